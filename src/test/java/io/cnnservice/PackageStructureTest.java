package io.cnnservice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the main code, read from its sources: packages without cycles, each with a
 * {@code package-info.java} and at most 20 files, no file over 450 lines, features that
 * never reach into {@code web}, a {@code web} that names no feature's exceptions, and
 * only the runners know which runner is in use.
 */
class PackageStructureTest {

	static final Path MAIN = Path.of("src", "main", "java");

	static final String BASE = "io.cnnservice";

	static final Pattern REFERENCE = Pattern.compile("\\b(io\\.cnnservice(?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

	/** Sources by package. */
	static final Map<String, List<Path>> packages = new TreeMap<>();

	/** Packages each package's sources name, itself left out. */
	static final Map<String, Set<String>> uses = new TreeMap<>();

	@BeforeAll
	static void readSources() throws IOException {
		try (Stream<Path> files = Files.walk(MAIN)) {
			for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
				String pkg = MAIN.relativize(file.getParent()).toString().replace('/', '.');
				packages.computeIfAbsent(pkg, p -> new ArrayList<>()).add(file);
				Set<String> used = uses.computeIfAbsent(pkg, p -> new TreeSet<>());
				Matcher m = REFERENCE.matcher(Files.readString(file));
				while (m.find()) {
					if (!m.group(1).equals(pkg)) {
						used.add(m.group(1));
					}
				}
			}
		}
		assertThat(packages).as("main sources under %s", MAIN.toAbsolutePath()).containsKey(BASE);
	}

	@Test
	void noPackageDependsOnItselfThroughOthers() {
		assertThat(cycles()).as("package cycles").isEmpty();
	}

	@Test
	void everyPackageSaysWhatItOwnsAndHoldsAtMostTwentyFiles() {
		packages.forEach((pkg, files) -> {
			assertThat(files).as(pkg).anyMatch(f -> f.getFileName().toString().equals("package-info.java"));
			assertThat(files).as(pkg + " files").hasSizeLessThanOrEqualTo(20);
		});
	}

	@Test
	void noMainFileIsOverFourHundredFiftyLines() throws IOException {
		Map<Path, Long> tooLong = new TreeMap<>();
		for (List<Path> files : packages.values()) {
			for (Path file : files) {
				long lines = Files.readAllLines(file).size();
				if (lines > 450) {
					tooLong.put(file, lines);
				}
			}
		}
		assertThat(tooLong).isEmpty();
	}

	@Test
	void noFeatureReachesIntoWebAndWebNamesNoFeatureException() throws IOException {
		uses.forEach((pkg, used) -> {
			if (!pkg.startsWith(BASE + ".web")) {
				assertThat(used).as(pkg).doesNotContain(BASE + ".web");
			}
		});
		for (Path file : packages.get(BASE + ".web")) {
			assertThat(Files.readString(file)).as(file.toString())
				.doesNotContainPattern("io\\.cnnservice\\.(?!problems\\.)[\\w.]*Exception\\b");
		}
	}

	@Test
	void onlyTheRunnersKnowWhichRunnerIsInUse() throws IOException {
		String runners = BASE + ".training.runners";
		for (Map.Entry<String, List<Path>> entry : packages.entrySet()) {
			if (entry.getKey().startsWith(runners)) {
				continue;
			}
			for (Path file : entry.getValue()) {
				assertThat(Files.readString(file)).as(file.toString())
					.doesNotContain("RunnerMode")
					.doesNotContain("RunnerProperties")
					.doesNotContain("ConditionalOnRunner");
			}
		}
	}

	/** Strongly connected groups of more than one package (Tarjan's algorithm). */
	static List<Set<String>> cycles() {
		Map<String, Integer> index = new HashMap<>();
		Map<String, Integer> low = new HashMap<>();
		Deque<String> stack = new ArrayDeque<>();
		Set<String> onStack = new TreeSet<>();
		List<Set<String>> found = new ArrayList<>();
		int[] counter = { 0 };
		for (String pkg : uses.keySet()) {
			if (!index.containsKey(pkg)) {
				connect(pkg, index, low, stack, onStack, found, counter);
			}
		}
		return found;
	}

	private static void connect(String pkg, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
			Set<String> onStack, List<Set<String>> found, int[] counter) {
		index.put(pkg, counter[0]);
		low.put(pkg, counter[0]++);
		stack.push(pkg);
		onStack.add(pkg);
		for (String next : uses.getOrDefault(pkg, Set.of())) {
			if (!uses.containsKey(next)) {
				continue;
			}
			if (!index.containsKey(next)) {
				connect(next, index, low, stack, onStack, found, counter);
				low.put(pkg, Math.min(low.get(pkg), low.get(next)));
			}
			else if (onStack.contains(next)) {
				low.put(pkg, Math.min(low.get(pkg), index.get(next)));
			}
		}
		if (low.get(pkg).equals(index.get(pkg))) {
			Set<String> group = new TreeSet<>();
			String member;
			do {
				member = stack.pop();
				onStack.remove(member);
				group.add(member);
			}
			while (!member.equals(pkg));
			if (group.size() > 1) {
				found.add(group);
			}
		}
	}

}
