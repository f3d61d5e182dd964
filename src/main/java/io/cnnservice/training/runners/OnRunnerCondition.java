package io.cnnservice.training.runners;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@link RunnerMode#of} is the mode {@link ConditionalOnRunner} names. */
class OnRunnerCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnRunner.class.getName());
		RunnerMode wanted = (RunnerMode) attributes.get("value");
		RunnerMode actual = RunnerMode.of(context.getEnvironment());
		return (actual == wanted) ? ConditionOutcome.match("jobs run as " + actual)
				: ConditionOutcome.noMatch("jobs run as " + actual + ", not " + wanted);
	}

}
