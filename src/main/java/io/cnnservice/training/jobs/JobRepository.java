package io.cnnservice.training.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.cnnservice.models.ModelStoreProperties;
import io.cnnservice.training.api.TrainingJobView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/** Persists job records as JSON under {@code <model-store>/.jobs/}, one file per job. */
@Component
public class JobRepository {

	private static final Logger log = LoggerFactory.getLogger(JobRepository.class);

	private final Path dir;

	private final JsonMapper json;

	public JobRepository(ModelStoreProperties properties, JsonMapper json) {
		this.dir = properties.root().resolve(".jobs");
		this.json = json;
	}

	public Path dir() {
		return this.dir;
	}

	/**
	 * Writes the job's current state. Writes of one job are serialised on the job, and
	 * each takes its view inside the lock: a cancel request's write that started before
	 * the training thread recorded CANCELLED could otherwise land last and leave RUNNING
	 * on disk (a test caught it).
	 */
	public void save(TrainingJob job) {
		synchronized (job) {
			save(job.view());
		}
	}

	/**
	 * Writes the record atomically (temp file, then rename), so a crash never leaves half
	 * a file.
	 */
	public void save(TrainingJobView view) {
		try {
			Files.createDirectories(this.dir);
			Path tmp = Files.createTempFile(this.dir, "." + view.id(), ".tmp");
			try {
				Files.write(tmp, this.json.writeValueAsBytes(view));
				Files.move(tmp, this.dir.resolve(view.id() + ".json"), StandardCopyOption.REPLACE_EXISTING,
						StandardCopyOption.ATOMIC_MOVE);
			}
			finally {
				Files.deleteIfExists(tmp);
			}
		}
		catch (IOException | JacksonException ex) {
			log.warn("Could not persist job {}: {}", view.id(), ex.getMessage());
		}
	}

	/** The job's record as it is on disk now, if there is one. */
	public Optional<TrainingJobView> load(String id) {
		Path file = this.dir.resolve(id + ".json");
		try {
			return Optional.of(this.json.readValue(Files.readAllBytes(file), TrainingJobView.class));
		}
		catch (java.nio.file.NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException | JacksonException ex) {
			log.warn("Cannot read job record {}: {}", file, ex.getMessage());
			return Optional.empty();
		}
	}

	/**
	 * Leaves a request to cancel the job for the process that runs it, which may be
	 * another one sharing the store.
	 */
	public void requestCancel(String id) {
		try {
			Files.createDirectories(this.dir);
			Files.writeString(this.dir.resolve(id + ".cancel"), "");
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException("cannot record the cancel request of job " + id, ex);
		}
	}

	public boolean cancelRequested(String id) {
		return Files.exists(this.dir.resolve(id + ".cancel"));
	}

	public void clearCancelRequest(String id) {
		try {
			Files.deleteIfExists(this.dir.resolve(id + ".cancel"));
		}
		catch (IOException ex) {
			log.warn("Could not remove the cancel request of job {}: {}", id, ex.getMessage());
		}
	}

	/** Removes a job's record (of a job that was refused after all). */
	public void delete(String id) {
		try {
			Files.deleteIfExists(this.dir.resolve(id + ".json"));
		}
		catch (IOException ex) {
			log.warn("Could not delete the record of job {}: {}", id, ex.getMessage());
		}
	}

	public List<TrainingJobView> loadAll() {
		List<TrainingJobView> views = new ArrayList<>();
		if (!Files.isDirectory(this.dir)) {
			return views;
		}
		try (Stream<Path> files = Files.list(this.dir)) {
			for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
				try {
					views.add(this.json.readValue(Files.readAllBytes(f), TrainingJobView.class));
				}
				catch (IOException | JacksonException ex) {
					log.warn("Skipping unreadable job record {}: {}", f, ex.getMessage());
				}
			}
		}
		catch (IOException ex) {
			log.warn("Cannot read job records in {}: {}", this.dir, ex.getMessage());
		}
		return views;
	}

}
