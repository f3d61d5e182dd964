package io.cnnservice.training.web;

import java.util.Iterator;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a job's server-sent events as a client does. */
public final class SseEvents {

	private static final JsonMapper json = JsonMapper.builder().build();

	/**
	 * One event.
	 *
	 * @param name its {@code event:} line
	 * @param data its {@code data:} line, as JSON
	 */
	public record Event(String name, JsonNode data) {
	}

	private SseEvents() {
	}

	/** Reads events until the stream ends or {@code max} have arrived. */
	public static void read(Iterator<String> lines, List<Event> into, int max) {
		String name = null;
		StringBuilder data = new StringBuilder();
		while (into.size() < max && lines.hasNext()) {
			String line = lines.next();
			if (line.startsWith("event:")) {
				name = line.substring("event:".length()).trim();
			}
			else if (line.startsWith("data:")) {
				data.append(line.substring("data:".length()));
			}
			else if (line.isEmpty() && name != null) {
				into.add(new Event(name, json.readTree(data.toString())));
				name = null;
				data.setLength(0);
			}
		}
	}

}
