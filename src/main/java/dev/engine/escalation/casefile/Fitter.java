package dev.engine.escalation.casefile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Holds a case file under its token budget by trimming parts, lowest tier first and, within a
 * tier, the largest first; then gives room that is left back, highest tier first. Parts with a
 * soft cap (the log tail, diagnostics output) start within their cap and only get room back last,
 * so one huge log cannot push every file out. Costs are estimated from pieces; the final text is
 * counted exactly, and if the estimate was low the budget is tightened and the fit repeated.
 */
final class Fitter {
    /** What the fit produced. */
    record Fit(String text, int tokens) {}

    private final List<Piece> pieces;
    private final List<Part> parts = new ArrayList<>();
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
            if (p instanceof Piece.Trimmable t) parts.add(t.part());
        }
    }

    Fit fit() {
        for (Part p : parts) {
            while (p.capped() && !p.atSmallest() && p.current().tokens() > p.softCap()) p.level(p.level() + 1);
        }
        int slack = 0;
        while (true) {
            int target = budget - slack;
            degrade(target);
            if (estimate() > target) {
                String text = assemble();
                int exact = costs.counter().count(text);
                if (exact <= budget) return new Fit(text, exact);
                throw new BudgetTooSmallException(stage, budget, exact);
            }
            refill(target);
            String text = assemble();
            int exact = costs.counter().count(text);
            if (exact <= budget) return new Fit(text, exact);
            slack += exact - budget + 16;
        }
    }

    private void degrade(int target) {
        while (estimate() > target) {
            Part victim = null;
            for (Part p : parts) {
                if (p.atSmallest()) continue;
                if (victim == null || p.tier() < victim.tier()
                        || p.tier() == victim.tier() && p.current().tokens() > victim.current().tokens()) {
                    victim = p;
                }
            }
            if (victim == null) return;
            victim.level(victim.level() + 1);
        }
    }

    private void refill(int target) {
        List<Part> order = new ArrayList<>(parts);
        order.sort(Comparator.comparing(Part::capped).thenComparing(Part::tier, Comparator.reverseOrder()));
        for (Part p : order) {
            int est = estimate();
            int now = p.current().tokens();
            for (int l = 0; l < p.level(); l++) {
                if (est - now + p.at(l).tokens() <= target) {
                    p.level(l);
                    break;
                }
            }
        }
    }

    private int estimate() {
        int sum = fixedTokens;
        for (Piece p : pieces) {
            if (p instanceof Piece.Trimmable t) sum += t.part().current().tokens();
            if (p instanceof Piece.Dynamic d) sum += costs.of(d.text().get());
        }
        return sum;
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
