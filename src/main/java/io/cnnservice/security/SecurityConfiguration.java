package io.cnnservice.security;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * The API's one filter chain: API keys instead of sessions, the role table of
 * {@link AccessRules}, CORS only for configured origins, and every refusal a problem
 * detail from the one error handler.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class SecurityConfiguration {

	private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeys keys, AccessRules rules, SecurityProperties properties,
			MeterRegistry registry, @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors)
			throws Exception {
		Set<Role> anonymous = anonymousRoles(properties, keys);
		RoleCheck check = new RoleCheck(rules, keys.configured(), errors);
		http.csrf(c -> c.disable())
			.httpBasic(b -> b.disable())
			.formLogin(f -> f.disable())
			.logout(l -> l.disable())
			.anonymous(a -> a.disable())
			.requestCache(r -> r.disable())
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.addFilterAfter(new MutationAudit(registry, rules), SecurityContextHolderFilter.class)
			.addFilterBefore(new ApiKeyFilter(keys, anonymous, errors), AuthorizationFilter.class)
			.authorizeHttpRequests(a -> a
				// the request itself was checked: its error page and the rest of an event
				// stream are not checked again
				.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
				.permitAll()
				.anyRequest()
				.access(check))
			.exceptionHandling(e -> e.accessDeniedHandler(check)
				.authenticationEntryPoint((request, response, ex) -> check.handle(request, response, null)));
		List<String> origins = properties.corsAllowedOrigins();
		if (origins.isEmpty()) {
			http.cors(c -> c.disable());
		}
		else {
			CorsConfiguration cors = new CorsConfiguration();
			cors.setAllowedOrigins(origins);
			cors.setAllowedMethods(List.of("GET", "POST", "DELETE"));
			cors.setAllowedHeaders(List.of("Authorization", "X-API-Key", "Content-Type", "Last-Event-ID"));
			cors.setExposedHeaders(List.of("Location", "Retry-After"));
			UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
			source.registerCorsConfiguration("/**", cors);
			http.cors(c -> c.configurationSource(source));
		}
		if (keys.configured()) {
			log.info("API keys: {} configured; requests without a key get the roles [{}]", keys.size(),
					Role.ids(anonymous));
		}
		else {
			log.warn("No API keys configured (cnn.security.api-keys, CNN_API_KEYS_FILE): protected mode. "
					+ "Anyone who can reach the service gets [{}]; only clients on this machine may train, cancel "
					+ "or delete", Role.ids(anonymous));
		}
		return http.build();
	}

	/** A firewall refusal (an encoded slash, a ';' in the path) is a 400 problem. */
	@Bean
	RequestRejectedHandler requestRejectedHandler(
			@Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
		return (request, response, ex) -> errors.resolveException(request, response, null, ex);
	}

	private static Set<Role> anonymousRoles(SecurityProperties properties, ApiKeys keys) {
		if (properties.anonymousRoles() != null) {
			try {
				return Role.parseList(properties.anonymousRoles());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("cnn.security.anonymous-roles: " + ex.getMessage(), ex);
			}
		}
		return keys.configured() ? EnumSet.noneOf(Role.class) : EnumSet.of(Role.READ, Role.INFER);
	}

}
