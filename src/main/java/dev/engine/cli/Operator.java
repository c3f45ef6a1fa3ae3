package dev.engine.cli;

import java.util.Map;

/** Who runs the command, as the audit trail records it for approvals and rejections (`engine report` shows it). */
final class Operator {
    private Operator() {}

    /** The login name from the environment (USER, else LOGNAME), else the JVM's idea of it. */
    static String name(Map<String, String> env) {
        for (String key : new String[] {"USER", "LOGNAME"}) {
            String v = env.get(key);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return System.getProperty("user.name", "unknown");
    }
}
