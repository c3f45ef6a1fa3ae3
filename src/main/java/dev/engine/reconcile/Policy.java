package dev.engine.reconcile;

import java.util.Optional;

/**
 * The limits a decision is made under.
 *
 * @param escalationUnavailable why escalation cannot happen (no API key, tier missing); empty when it can
 */
public record Policy(int executorRetryThreshold, int apiCallBudget, int stageApiCallCap, int maxAttemptsPerRun,
                     Optional<String> escalationUnavailable) {}
