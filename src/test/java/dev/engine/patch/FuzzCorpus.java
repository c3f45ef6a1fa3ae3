package dev.engine.patch;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Realistic homelab files (compose YAML, shell) and random edits to them, from a seeded Random. */
final class FuzzCorpus {
    private static final String[] SERVICES = {"web", "api", "db", "cache", "worker", "proxy", "grafana",
            "prometheus", "loki", "minio", "traefik", "pihole"};
    private static final String[] IMAGES = {"nginx", "postgres", "redis", "grafana/grafana", "traefik", "minio/minio",
            "prom/prometheus", "grafana/loki"};

    private final Random rnd;

    FuzzCorpus(Random rnd) { this.rnd = rnd; }

    List<String> file() {
        return rnd.nextInt(3) == 0 ? shell() : yaml();
    }

    private List<String> yaml() {
        List<String> l = new ArrayList<>(List.of("# managed by the homelab repo", "version: \"3.8\"", "", "services:"));
        int n = 3 + rnd.nextInt(5);
        for (int k = 0; k < n; k++) {
            String name = SERVICES[rnd.nextInt(SERVICES.length)] + (rnd.nextBoolean() ? "" : "-" + k);
            l.add("  " + name + ":");
            l.add("    image: " + IMAGES[rnd.nextInt(IMAGES.length)] + ":" + (1 + rnd.nextInt(3)) + "." + rnd.nextInt(30));
            l.add("    restart: unless-stopped");
            l.add("    environment:");
            l.add("      - TZ=Europe/Berlin");
            if (rnd.nextBoolean()) l.add("      - LOG_LEVEL=" + (rnd.nextBoolean() ? "info" : "debug"));
            l.add("    ports:");
            int port = 1000 + rnd.nextInt(9000);
            l.add("      - \"" + port + ":" + (rnd.nextBoolean() ? port : 80) + "\"");
            if (rnd.nextBoolean()) {
                l.add("    volumes:");
                l.add("      - ./data/" + name + ":/data");
            }
            if (rnd.nextInt(3) > 0) l.add("");
        }
        l.add("networks:");
        l.add("  default:");
        l.add("    name: homelab");
        return l;
    }

    private List<String> shell() {
        List<String> l = new ArrayList<>(List.of("#!/usr/bin/env bash", "set -euo pipefail", ""));
        int n = 3 + rnd.nextInt(6);
        for (int k = 0; k < n; k++) {
            String svc = SERVICES[rnd.nextInt(SERVICES.length)];
            l.add("echo \"==> deploying " + svc + "\"");
            l.add("if [ -f \"./" + svc + ".env\" ]; then");
            l.add("    source \"./" + svc + ".env\"");
            l.add("fi");
            if (rnd.nextBoolean()) l.add("docker compose up -d " + svc);
            if (rnd.nextBoolean()) l.add("sleep " + (1 + rnd.nextInt(5)));
            l.add("");
        }
        l.add("echo done");
        return l;
    }

    /** A line an AI fix might add. */
    String newLine() {
        return switch (rnd.nextInt(6)) {
            case 0 -> "    restart: always";
            case 1 -> "      - MEMORY_LIMIT=" + (256 << rnd.nextInt(4)) + "m";
            case 2 -> "    healthcheck:";
            case 3 -> "echo \"retry " + rnd.nextInt(10) + "\"";
            case 4 -> "";
            default -> "    # fixed by engine " + rnd.nextInt(1000);
        };
    }

    /** 1-3 random replace/insert/delete operations; always changes something. */
    List<String> edit(List<String> original) {
        List<String> l = new ArrayList<>(original);
        int ops = 1 + rnd.nextInt(3);
        for (int k = 0; k < ops; k++) {
            int at = rnd.nextInt(l.size() + 1);
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    if (at < l.size()) l.set(at, mutate(l.get(at)));
                    else l.add(newLine());
                }
                case 1 -> {
                    int count = 1 + rnd.nextInt(3);
                    for (int c = 0; c < count; c++) l.add(Math.min(at, l.size()), newLine());
                }
                default -> {
                    if (l.size() > 3 && at < l.size()) {
                        l.remove(at);
                        if (rnd.nextBoolean() && at < l.size()) l.remove(at);
                    }
                }
            }
        }
        if (l.equals(original)) l.add(rnd.nextInt(l.size() + 1), "# touched " + rnd.nextInt(100));
        return l;
    }

    private String mutate(String line) {
        if (line.matches(".*\\d.*")) return line.replaceFirst("\\d", String.valueOf(rnd.nextInt(10))) + (rnd.nextBoolean() ? "" : "0");
        return line.isEmpty() ? "# note" : line + " # changed";
    }
}
