package io.cnnservice.training.durable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Leases of processes sharing one store's job folder, as replicas on two nodes. */
class JobLeasesTest {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path dir;

	/** A clock the test moves. */
	static final class Moving extends Clock {

		Instant now = Instant.parse("2026-12-05T12:00:00Z");

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

	@Test
	void aLiveLeaseIsNeitherTakenNorReleasedByAnotherProcess() {
		Moving clock = new Moving();
		JobLeases first = new JobLeases(this.dir, TIMEOUT, clock, "1@node-a:first");
		JobLeases second = new JobLeases(this.dir, TIMEOUT, clock, "1@node-b:second");

		assertThat(first.acquire("job1")).isTrue();
		assertThat(second.acquire("job1")).isFalse();
		assertThat(second.heldElsewhere("job1")).isTrue();
		second.release("job1");
		assertThat(first.heldElsewhere("job1")).isFalse();
		assertThat(first.holds("job1")).isTrue();
		clock.now = clock.now.plus(TIMEOUT.dividedBy(2));
		assertThat(first.renew()).isEmpty();
		// renewed: still live after the first expiry would have passed
		clock.now = clock.now.plus(TIMEOUT.dividedBy(2)).plusSeconds(5);
		assertThat(second.acquire("job1")).isFalse();

		first.release("job1");
		assertThat(this.dir.resolve("job1.lease")).doesNotExist();
		assertThat(second.acquire("job1")).isTrue();
	}

	@Test
	void anExpiredLeaseIsTakenOverAndItsOldOwnerLearnsItLostIt() {
		Moving clock = new Moving();
		JobLeases first = new JobLeases(this.dir, TIMEOUT, clock, "1@node-a:first");
		JobLeases second = new JobLeases(this.dir, TIMEOUT, clock, "1@node-b:second");
		assertThat(first.acquire("job2")).isTrue();

		clock.now = clock.now.plus(TIMEOUT).plusSeconds(1);
		assertThat(second.heldElsewhere("job2")).isFalse();
		assertThat(second.acquire("job2")).isTrue();
		assertThat(first.acquire("job2")).isFalse();
		assertThat(first.renew()).containsExactly("job2");
		assertThat(first.holds("job2")).isFalse();
		// the old owner's release leaves the new owner's lease alone
		first.release("job2");
		assertThat(second.heldElsewhere("job2")).isFalse();
		assertThat(first.heldElsewhere("job2")).isTrue();
	}

	@Test
	void aLeaseOfAProcessOnThisHostThatIsGoneIsTakenAtOnce() throws Exception {
		Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		String host = java.lang.management.ManagementFactory.getRuntimeMXBean().getName().split("@", 2)[1];
		Files.writeString(this.dir.resolve("job3.lease"),
				gone.pid() + "@" + host + ":0badc0de\n" + Instant.now().plus(TIMEOUT) + "\n", StandardCharsets.UTF_8);
		JobLeases restarted = new JobLeases(this.dir, TIMEOUT, Clock.systemUTC());

		assertThat(restarted.heldElsewhere("job3")).isFalse();
		assertThat(restarted.acquire("job3")).isTrue();
		// one of another host is respected until it expires
		Files.writeString(this.dir.resolve("job4.lease"),
				gone.pid() + "@elsewhere:0badc0de\n" + Instant.now().plus(TIMEOUT) + "\n", StandardCharsets.UTF_8);
		assertThat(restarted.acquire("job4")).isFalse();
	}

}
