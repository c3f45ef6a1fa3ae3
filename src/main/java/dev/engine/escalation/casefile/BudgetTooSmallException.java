package dev.engine.escalation.casefile;

/**
 * The token budget cannot hold even the parts of a case file that are never left out: the header,
 * the stage's description and criteria, the response contract. Raise the budget.
 */
public final class BudgetTooSmallException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int budget;
    private final int minimum;

    BudgetTooSmallException(String stage, int budget, int minimum) {
        super("token budget " + budget + " is too small for the case file of stage '" + stage + "': with every file,"
                + " memo section and log line left out it still takes " + minimum
                + " tokens (header, stage description, response contract); raise the budget to at least " + minimum);
        this.budget = budget;
        this.minimum = minimum;
    }

    public int budget() {
        return budget;
    }

    /** Tokens of the smallest case file this builder can make for the input. */
    public int minimum() {
        return minimum;
    }
}
