package io.cnnservice.web;

import java.io.IOException;

import io.cnnservice.engine.ServingPriority;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** HTTP threads decode uploads: they run at the serving priority too. */
@Component
class RequestPriorityFilter extends OncePerRequestFilter {

	private final ServingPriority priority;

	/** Without the engine (a web slice in tests) threads stay as they are. */
	RequestPriorityFilter(ObjectProvider<ServingPriority> priority) {
		this.priority = priority.getIfAvailable(ServingPriority::unchanged);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		this.priority.lowerCurrentThread();
		chain.doFilter(request, response);
	}

}
