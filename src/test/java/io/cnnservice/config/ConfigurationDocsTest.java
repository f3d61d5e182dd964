package io.cnnservice.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code cnn.*} property the service binds is in the configuration table users
 * read, so a new option cannot ship undocumented.
 */
class ConfigurationDocsTest {

	@Test
	void everyPropertyIsDocumentedInOperationsMd() throws IOException {
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("the configuration processor's metadata").isNotNull();
			metadata = JsonMapper.builder().build().readTree(in);
		}
		List<String> names = new ArrayList<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			if (name.startsWith("cnn.")) {
				names.add(name);
			}
		}
		String docs = Files.readString(Path.of("docs", "operations.md"));
		assertThat(names).hasSizeGreaterThan(15).allSatisfy(name -> assertThat(docs).contains("`" + name));
	}

}
