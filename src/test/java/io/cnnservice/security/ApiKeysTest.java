package io.cnnservice.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Key configuration mistakes stop the start-up with the entry and what is wrong. */
class ApiKeysTest {

	private static String hex(String key) {
		return HexFormat.of().formatHex(ApiKeys.sha256(key));
	}

	private static ApiKeys keys(List<SecurityProperties.KeyEntry> entries, String file) {
		return new ApiKeys(new SecurityProperties(entries, file, null, false, List.of()));
	}

	@Test
	void aKeyMatchesOnlyItsOwnDigestAndCarriesItsRoles() {
		ApiKeys keys = keys(List.of(new SecurityProperties.KeyEntry("ci", "read, infer", hex("s3cret"))), "");
		assertThat(keys.match("s3cret")).hasValueSatisfying(k -> {
			assertThat(k.name()).isEqualTo("ci");
			assertThat(k.roles()).containsExactlyInAnyOrder(Role.READ, Role.INFER);
		});
		assertThat(keys.match("s3cret ")).isEmpty();
		assertThat(keys.match(hex("s3cret"))).as("the digest is not the key").isEmpty();
	}

	@Test
	void theKeyItselfInPlaceOfItsDigestIsRefused() {
		assertThatThrownBy(() -> keys(List.of(new SecurityProperties.KeyEntry("ci", "read", "s3cret")), ""))
			.hasMessageContaining("cnn.security.api-keys[0].sha256")
			.hasMessageContaining("sha256sum");
	}

	@Test
	void unknownRolesMissingNamesAndDuplicatesAreRefused() {
		assertThatThrownBy(() -> keys(List.of(new SecurityProperties.KeyEntry("ci", "read,write", hex("a"))), ""))
			.hasMessageContaining("unknown role 'write'");
		assertThatThrownBy(() -> keys(List.of(new SecurityProperties.KeyEntry(" ", "read", hex("a"))), ""))
			.hasMessageContaining(".name is missing");
		assertThatThrownBy(() -> keys(List.of(new SecurityProperties.KeyEntry("ci", "read", hex("a")),
				new SecurityProperties.KeyEntry("ci", "admin", hex("b"))), ""))
			.hasMessageContaining("used twice");
	}

	@Test
	void theKeysFileAddsKeysAndAMissingOneAddsNone(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("keys.json");
		Files.writeString(file, "[{\"name\": \"ops\", \"roles\": [\"read\", \"admin\"], \"sha256\": \"" + hex("k")
				+ "\"}, {\"name\": \"ci\", \"roles\": \"infer\", \"sha256\": \"" + hex("c") + "\"}]");
		ApiKeys keys = keys(List.of(), file.toString());
		assertThat(keys.size()).isEqualTo(2);
		assertThat(keys.match("k")).hasValueSatisfying(k -> assertThat(k.roles()).contains(Role.ADMIN));
		assertThat(keys(List.of(), dir.resolve("absent.json").toString()).configured()).isFalse();
		Files.writeString(file, "{\"name\": \"ops\"}");
		assertThatThrownBy(() -> keys(List.of(), file.toString())).hasMessageContaining("must hold a JSON list");
	}

}
