package dev.engine.escalation.casefile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Holds a case file under its token budget by trimming parts, lowest tier first and, within a
 * tier, the largest first; then gives room that is left back, highest tier first. Parts with a
 * soft cap (the log tail, diagnostics output) start within their cap and only get room back last,
 * so one huge log cannot push every file out.
 *
 * <p>Parts are counted in priority order, each only up to the room the parts before it leave:
 * beyond that, "too large" is all the fit needs to know, and twenty large files then cost about one
 * budget's worth of counting instead of twenty. Costs are estimated from pieces; the final text is
 * counted exactly, and if the estimate was low the budget is tightened and the fit repeated.
 */
final class Fitter {
    /** What the fit produced. */
    record Fit(String text, int tokens) {}

    private final List<Piece> pieces;
    private final List<Part> byPriority = new ArrayList<>();
    private final Costs costs;
    private final int budget;
    private final String stage;
    private int fixedTokens;

    Fitter(List<Piece> pieces, Costs costs, int budget, String stage) {
        this.pieces = List.copyOf(pieces);
        this.costs = costs;
        this.budget = budget;
        this.stage = stage;
        for (Piece p : this.pieces) {
            if (p instanceof Piece.Fixed f) fixedTokens += costs.of(f.text());
            if (p instanceof Piece.Trimmable t) byPriority.add(t.part());
        }
        byPriority.sort(Comparator.comparing(Part::tier, Comparator.reverseOrder())); // stable: document order within a tier
    }

    Fit fit() {
        for (Part p : byPriority) {
            while (p.capped() && !p.atSmallest() && p.at(p.level(), p.softCap()).tokens() > p.softCap()) p.level(p.level() + 1);
        }
        int slack = 0;
        while (true) {
            int target = budget - slack;
            degrade(target);
            if (evaluate(target) > target) {
                String text = assemble();
                int exact = costs.counter().count(text);
                if (exact <= budget) return new Fit(text, exact);
                throw new BudgetTooSmallException(stage, budget, exact);
            }
            refill(target);
            int estimate = evaluate(target);
            String text = assemble();
            int exact = costs.counter().count(text);
            if (exact <= budget) return slack == 0 ? calibrated(new Fit(text, exact), estimate) : new Fit(text, exact);
            slack += exact - budget + 16;
        }
    }

    /**
     * The line-by-line estimate runs a little high (a blank line costs a token alone but merges with
     * its neighbour in the whole text). When that left more than 1% of the budget unused, refill once
     * more against a target raised by the difference, and keep the result if it still fits.
     */
    private Fit calibrated(Fit fit, int estimate) {
        int over = estimate - fit.tokens();
        if (over <= budget / 100) return fit;
        int[] saved = new int[byPriority.size()];
        for (int i = 0; i < saved.length; i++) saved[i] = byPriority.get(i).level();
        int target = budget + over;
        degrade(target);
        refill(target);
        String text = assemble();
        int exact = costs.counter().count(text);
        if (exact <= budget && exact >= fit.tokens()) return new Fit(text, exact);
        for (int i = 0; i < saved.length; i++) byPriority.get(i).level(saved[i]);
        return fit;
    }

    /**
     * The estimated total, each part counted up to the room left by the fixed text and the parts of
     * higher priority. When the result is at most {@code target}, every part's count is exact.
     */
    private int evaluate(int target) {
        long running = fixedTokens;
        for (Piece p : pieces) {
            if (p instanceof Piece.Dynamic d) running += costs.of(d.text().get());
        }
        for (Part p : byPriority) {
            int room = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 1L, target - running));
            running += p.at(p.level(), room).tokens();
        }
        return (int) Math.min(running, Integer.MAX_VALUE);
    }

    private void degrade(int target) {
        while (evaluate(target) > target) {
            Part victim = null;
            for (Part p : byPriority) {
                if (p.atSmallest()) continue;
                if (victim == null || p.tier() < victim.tier()
                        || p.tier() == victim.tier() && p.current().sizeHint() > victim.current().sizeHint()) {
                    victim = p;
                }
            }
            if (victim == null) return;
            victim.level(victim.level() + 1);
        }
    }

    private void refill(int target) {
        List<Part> order = new ArrayList<>(byPriority);
        order.sort(Comparator.comparing(Part::capped)); // stable: uncapped parts first, each group by priority
        for (Part p : order) {
            if (p.level() == 0) continue;
            int room = target - (evaluate(target) - p.current().tokens());
            for (int l = 0; l < p.level(); l++) {
                if (p.at(l, room).tokens() <= room) {
                    p.level(l);
                    break;
                }
            }
        }
    }

    private String assemble() {
        StringBuilder sb = new StringBuilder();
        for (Piece p : pieces) {
            if (p instanceof Piece.Fixed f) sb.append(f.text());
            else if (p instanceof Piece.Dynamic d) sb.append(d.text().get());
            else if (p instanceof Piece.Trimmable t) sb.append(t.part().current().text());
        }
        return sb.toString();
    }
}
