package io.cnnservice.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelStoreTest {

	private final JsonMapper json = JsonMapper.builder().findAndAddModules().build();

	private static ModelMetadata draft(String name) {
		return new ModelMetadata(name, 0,
				new ModelMetadata.Network("lenet", Map.of(), "mnist", List.of("0", "1"), List.of(1, 28, 28)),
				new Preprocessing("grayscale", new float[] { 0.13f }, new float[] { 0.31f }, "dark", null, null, null),
				Map.of("architecture", "lenet"), new ModelMetrics(1, 0.1, 0.97, 0.08, 0.98, null, 2000, 1000, 5000),
				ModelMetadata.Parameters.counted(61706, 61706),
				new ModelMetadata.Provenance("PyTorch 2.7.1", "job1", Instant.parse("2026-11-28T00:00:00Z")));
	}

	private static ModelStore.ParameterWriter writes(String content) {
		return dir -> {
			Files.writeString(dir.resolve("model-0001.params"), content);
			return "model-0001.params";
		};
	}

	@Test
	void registersVersionsInOrderAndReadsThemBack(@TempDir Path root) throws IOException {
		ModelStore store = new ModelStore(new ModelStoreProperties(root), this.json);

		ModelMetadata v1 = store.register(draft("digits"), writes("one"));
		ModelMetadata v2 = store.register(draft("digits"), writes("two"));

		assertThat(v1.version()).isEqualTo(1);
		assertThat(v2.version()).isEqualTo(2);
		assertThat(v1.parameters().parametersSha256())
			.isEqualTo("7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed");
		ModelMetadata read = store.get("digits", 2);
		assertThat(read.network().classes()).containsExactly("0", "1");
		assertThat(read.preprocessing().mean()).containsExactly(0.13f);
		assertThat(read.provenance().createdAt()).isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
		assertThat(store.get("digits").latestVersion()).isEqualTo(2);
		assertThat(store.list()).extracting(ModelSummary::name).containsExactly("digits");
		try (var entries = Files.list(root.resolve("digits"))) {
			assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("1", "2");
		}
	}

	@Test
	void aFailedWriteLeavesNothingBehind(@TempDir Path root) {
		ModelStore store = new ModelStore(new ModelStoreProperties(root), this.json);

		assertThatThrownBy(() -> store.register(draft("broken"), dir -> {
			Files.writeString(dir.resolve("half.params"), "half");
			throw new IOException("disk full");
		})).hasMessage("disk full");

		assertThat(store.list()).isEmpty();
		assertThat(root.resolve("broken")).isEmptyDirectory();
	}

	@Test
	void concurrentRegistrationsGetDistinctVersions(@TempDir Path root) throws Exception {
		ModelStore store = new ModelStore(new ModelStoreProperties(root), this.json);
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Callable<Integer>> tasks = java.util.stream.IntStream.range(0, 12)
				.<Callable<Integer>>mapToObj(i -> () -> store.register(draft("race"), writes("p" + i)).version())
				.toList();
			List<Integer> versions = new java.util.ArrayList<>();
			for (Future<Integer> f : pool.invokeAll(tasks)) {
				versions.add(f.get());
			}
			assertThat(versions)
				.containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 12).boxed().toList());
		}
		finally {
			pool.shutdown();
		}
	}

	@Test
	void deletesAVersionAndTheModelWithItsLastVersion(@TempDir Path root) throws IOException {
		ModelStore store = new ModelStore(new ModelStoreProperties(root), this.json);
		store.register(draft("gone"), writes("a"));
		store.register(draft("gone"), writes("b"));

		store.delete("gone", 1);
		assertThat(store.get("gone").versions()).extracting(ModelMetadata::version).containsExactly(2);
		assertThatThrownBy(() -> store.get("gone", 1)).isInstanceOf(ModelNotFoundException.class);
		store.delete("gone", 2);
		assertThatThrownBy(() -> store.get("gone")).isInstanceOf(ModelNotFoundException.class);
		assertThat(root.resolve("gone")).doesNotExist();
		assertThatThrownBy(() -> store.delete("gone", 2)).isInstanceOf(ModelNotFoundException.class);
	}

	@Test
	void namesThatCouldEscapeTheStoreAreNotFound(@TempDir Path root) {
		ModelStore store = new ModelStore(new ModelStoreProperties(root), this.json);
		assertThatThrownBy(() -> store.get("..")).isInstanceOf(ModelNotFoundException.class);
		assertThatThrownBy(() -> store.get("../etc", 1)).isInstanceOf(ModelNotFoundException.class);
	}

}
