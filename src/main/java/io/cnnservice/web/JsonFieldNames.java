package io.cnnservice.web;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A bean path of a validation error as the client wrote the field: groups a record
 * unwraps into its JSON ({@link JsonUnwrapped}) are not part of the name, so
 * {@code optimization.learningRate} is {@code learningRate}.
 */
final class JsonFieldNames {

	private JsonFieldNames() {
	}

	static String of(Class<?> root, String path) {
		List<String> named = new ArrayList<>();
		Class<?> type = root;
		for (String segment : path.split("\\.")) {
			int index = segment.indexOf('[');
			String property = (index >= 0) ? segment.substring(0, index) : segment;
			RecordComponent component = component(type, property);
			if (component != null && component.getAccessor().isAnnotationPresent(JsonUnwrapped.class) && index < 0) {
				type = component.getType();
				continue;
			}
			named.add(segment);
			type = (component != null && index < 0) ? component.getType() : null;
		}
		return String.join(".", named);
	}

	private static RecordComponent component(Class<?> type, String name) {
		if (type == null || !type.isRecord()) {
			return null;
		}
		for (RecordComponent component : type.getRecordComponents()) {
			if (component.getName().equals(name)) {
				return component;
			}
		}
		return null;
	}

}
