package io.cnnservice.training.durable;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.cnnservice.models.ModelStoreProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which process owns which job, for processes that share one model store (replicas on a
 * ReadWriteMany volume). A lease is a file {@code <store>/.jobs/<id>.lease} naming its
 * owner and when it expires; it is created atomically, renewed by the owner's heartbeat,
 * and only an expired one may be taken over, by renaming it away (which one process alone
 * can do) and creating a new one. Expiry compares the owner's clock with the reader's, so
 * the clocks must agree to within a small part of the timeout.
 */
@Component
public class JobLeases {

	private static final Logger log = LoggerFactory.getLogger(JobLeases.class);

	private final Path dir;

	private final Duration timeout;

	private final Clock clock;

	/** This process: pid, host and a random part, so a restarted process is another. */
	private final String owner;

	private final Set<String> held = ConcurrentHashMap.newKeySet();

	@Autowired
	JobLeases(ModelStoreProperties store, DurabilityProperties properties) {
		this(store.root().resolve(".jobs"), properties.leaseTimeout(), Clock.systemUTC());
	}

	JobLeases(Path dir, Duration timeout, Clock clock) {
		// pid@host, without a name lookup
		this(dir, timeout, clock,
				ManagementFactory.getRuntimeMXBean().getName() + ":" + UUID.randomUUID().toString().substring(0, 8));
	}

	/**
	 * @param owner how this process signs its leases: {@code pid@host:anything}
	 */
	JobLeases(Path dir, Duration timeout, Clock clock, String owner) {
		this.dir = dir;
		this.timeout = timeout;
		this.clock = clock;
		this.owner = owner;
	}

	public String owner() {
		return this.owner;
	}

	/**
	 * Takes the job's lease: a new one, or one that has expired.
	 * @return false when another process holds it
	 */
	public boolean acquire(String jobId) {
		Path lease = file(jobId);
		try {
			Files.createDirectories(this.dir);
			for (int attempt = 0; attempt < 3; attempt++) {
				try {
					Files.writeString(lease, content(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
							StandardOpenOption.WRITE);
					this.held.add(jobId);
					return true;
				}
				catch (FileAlreadyExistsException ex) {
					Lease current = read(lease);
					if (current == null) {
						continue;
					}
					if (current.owner().equals(this.owner)) {
						this.held.add(jobId);
						return true;
					}
					if (!stale(current)) {
						return false;
					}
					// whoever renames the expired lease away may create the next one
					Path tombstone = this.dir.resolve("." + jobId + ".lease." + UUID.randomUUID() + ".expired");
					try {
						Files.move(lease, tombstone, StandardCopyOption.ATOMIC_MOVE);
						Files.deleteIfExists(tombstone);
						log.info("Took over job {} from {}, whose lease expired at {}", jobId, current.owner(),
								current.expires());
					}
					catch (NoSuchFileException gone) {
						// another process took it first; look again
					}
				}
			}
			return false;
		}
		catch (IOException ex) {
			log.warn("Cannot take the lease of job {}: {}", jobId, ex.getMessage());
			return false;
		}
	}

	/** Whether another live process holds a lease on the job that has not expired. */
	public boolean heldElsewhere(String jobId) {
		Lease current = read(file(jobId));
		return current != null && !current.owner().equals(this.owner) && !stale(current);
	}

	/**
	 * Whether a lease may be taken over: it has expired, or its owner ran on this host
	 * and is gone (an earlier run of this very process, or a pid that no longer exists),
	 * so a restarted service need not wait out the timeout.
	 */
	private boolean stale(Lease lease) {
		if (lease.expired(this.clock.instant())) {
			return true;
		}
		String[] mine = this.owner.split(":")[0].split("@", 2);
		String[] theirs = lease.owner().split(":")[0].split("@", 2);
		if (mine.length < 2 || theirs.length < 2 || !mine[1].equals(theirs[1])) {
			return false;
		}
		try {
			long pid = Long.parseLong(theirs[0]);
			return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	/**
	 * Renews every lease this process holds.
	 * @return the jobs whose lease another process has taken meanwhile
	 */
	public Set<String> renew() {
		Set<String> lost = ConcurrentHashMap.newKeySet();
		for (String jobId : this.held) {
			Lease current = read(file(jobId));
			if (current == null || !current.owner().equals(this.owner)) {
				this.held.remove(jobId);
				lost.add(jobId);
				continue;
			}
			try {
				Path tmp = Files.createTempFile(this.dir, "." + jobId, ".lease.tmp");
				try {
					Files.writeString(tmp, content(), StandardCharsets.UTF_8);
					Files.move(tmp, file(jobId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				}
				finally {
					Files.deleteIfExists(tmp);
				}
			}
			catch (IOException ex) {
				log.warn("Cannot renew the lease of job {}: {}", jobId, ex.getMessage());
			}
		}
		return lost;
	}

	/** Gives the job's lease up, if this process holds it. */
	public void release(String jobId) {
		if (!this.held.remove(jobId)) {
			return;
		}
		Lease current = read(file(jobId));
		if (current != null && current.owner().equals(this.owner)) {
			try {
				Files.deleteIfExists(file(jobId));
			}
			catch (IOException ex) {
				log.warn("Cannot release the lease of job {}: {}", jobId, ex.getMessage());
			}
		}
	}

	public boolean holds(String jobId) {
		return this.held.contains(jobId);
	}

	private Path file(String jobId) {
		return this.dir.resolve(jobId + ".lease");
	}

	private String content() {
		return this.owner + "\n" + this.clock.instant().plus(this.timeout) + "\n";
	}

	/** The lease in a file, or null if there is none (or it is being replaced). */
	private static Lease read(Path file) {
		try {
			String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
			return new Lease(lines[0], Instant.parse(lines[1].trim()));
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * A lease as its file holds it.
	 *
	 * @param owner the process that holds it
	 * @param expires when it lapses unless renewed
	 */
	public record Lease(String owner, Instant expires) {

		boolean expired(Instant now) {
			return now.isAfter(this.expires);
		}

	}

}
