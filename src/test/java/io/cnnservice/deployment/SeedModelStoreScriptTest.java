package io.cnnservice.deployment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.util.FileSystemUtils;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * service/seed-model-store.sh when several replicas start at once on one shared volume,
 * as a Deployment scaled above one does with a ReadWriteMany volume: every seeder ends
 * well (a failing init container would hold its pod back), each shipped version arrives
 * once and whole, and no seeder's temporary copy is left. Runs the script on the host
 * against the repository's model-store, the image's own source; ContainerImageTest runs
 * it in the image.
 */
class SeedModelStoreScriptTest {

	private static final Path SCRIPT = Path.of("service/seed-model-store.sh");

	private static final Path SHIPPED = Path.of("model-store");

	private static final int SEEDERS = 4;

	@Test
	void seedersStartedTogetherOnOneVolumeEachEndWellAndCopyEveryVersionOnce() throws Exception {
		List<Path> versions;
		try (Stream<Path> found = Files.find(SHIPPED, 2, (p, a) -> Files.isRegularFile(p.resolve("model.json")))) {
			versions = found.map(SHIPPED::relativize).sorted().toList();
		}
		assertThat(versions).extracting(Path::toString).contains("lenet-mnist/1", "resnet9-cifar10/1");
		// a race is a matter of luck: several rounds, each on a new volume
		for (int round = 0; round < 5; round++) {
			Path volume = Files.createTempDirectory("cnn-seed-race");
			try {
				List<Process> seeders = new ArrayList<>();
				for (int i = 0; i < SEEDERS; i++) {
					seeders.add(new ProcessBuilder("bash", SCRIPT.toString(), SHIPPED.toString(), volume.toString())
						.redirectErrorStream(true)
						.start());
				}
				StringBuilder logs = new StringBuilder();
				for (Process seeder : seeders) {
					String log = new String(seeder.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
					assertThat(seeder.waitFor()).as(log).isZero();
					logs.append(log);
				}
				for (Path version : versions) {
					String copied = "copied " + version.getParent() + " version " + version.getFileName() + "\n";
					assertThat(StringUtils.countOccurrencesOf(logs.toString(), copied)).as(logs.toString()).isOne();
					assertSameFiles(SHIPPED.resolve(version), volume.resolve(version));
					try (Stream<Path> left = Files.list(volume.resolve(version.getParent()))) {
						assertThat(left.map(p -> p.getFileName().toString()))
							.containsExactly(version.getFileName().toString());
					}
				}
			}
			finally {
				FileSystemUtils.deleteRecursively(volume);
			}
		}
	}

	private static void assertSameFiles(Path expected, Path actual) throws IOException {
		List<Path> shipped;
		try (Stream<Path> files = Files.list(expected)) {
			shipped = files.toList();
		}
		for (Path file : shipped) {
			assertThat(actual.resolve(file.getFileName())).hasSameBinaryContentAs(file);
		}
		try (Stream<Path> files = Files.list(actual)) {
			assertThat(files.count()).isEqualTo(shipped.size());
		}
	}

}
