package dev.engine.git;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.audit.AuditLog;
import dev.engine.redact.Redactor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import org.eclipse.jgit.lib.UserConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Landing a proposed diff through the one landing path: placeholders, invariants, the base, the
 * identity, the kept copy and the audit event. Every git result is checked with the git CLI.
 */
class PatchLandingTest {
    private static final String SECRET = "s3cr3t-Value-42";
    private static final String DB = "host: db\npassword: " + SECRET + "\nport: 5432\n";

    @TempDir
    Path dir;
    @TempDir
    Path home;
    GitRepo repo;
    String mainBefore;
    String statusBefore;
    Redactor redactor;
    /** The placeholder the model saw for the password, as the real redactor wrote it into a case file. */
    String placeholder;

    @BeforeEach
    void setUp() throws Exception {
        repo = GitRepo.create(dir);
        repo.commitFile("conf/db.yaml", DB, "db config");
        mainBefore = repo.git("rev-parse", "main");
        statusBefore = repo.git("status", "--porcelain");
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        redactor = Redactor.create(key, Map.of());
        String caseText = redactor.redactFile("conf/db.yaml", DB);
        Matcher m = Redactor.PLACEHOLDER.matcher(caseText);
        assertThat(m.find()).as(caseText).isTrue();
        placeholder = m.group();
        assertThat(caseText).doesNotContain(SECRET);
    }

    private PatchLanding landing() {
        return new PatchLanding(new PatchLanding.Setup(dir, home, "ai/test", "main", List.of("conf/b.yaml"),
                new AuditLog(home.resolve("state"), Clock.systemUTC()), Optional.of(redactor)));
    }

    private PatchLanding.Result land(PatchLanding.Source source, String diff) throws Exception {
        return landing().land(new PatchLanding.Proposal(source, "db", "abc123abc123", diff, "fix the port", Optional.empty()),
                home.resolve("escalations/db_patch.diff"));
    }

    private PatchLanding.Result land(String diff) throws Exception {
        return land(PatchLanding.Source.MODEL, diff);
    }

    private List<JsonNode> audit() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(home.resolve("state/audit.jsonl"))) out.add(new ObjectMapper().readTree(line));
        return out;
    }

    private void assertUserUntouched() throws Exception {
        assertThat(repo.git("rev-parse", "main")).isEqualTo(mainBefore);
        assertThat(repo.git("status", "--porcelain")).isEqualTo(statusBefore);
        assertThat(repo.git("symbolic-ref", "HEAD")).isEqualTo("refs/heads/main");
        repo.git("fsck", "--strict");
    }

    private void assertNoBranch() throws Exception {
        assertThat(repo.run("rev-parse", "--verify", "-q", "refs/heads/ai/test").exit()).isNotZero();
    }

    @Test
    void a_context_line_quoting_a_placeholder_is_matched_against_the_real_file() throws Exception {
        PatchLanding.Result r = land("""
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -1,3 +1,3 @@
                 host: db
                 password: %s
                -port: 5432
                +port: 5433
                """.formatted(placeholder));
        assertThat(r).as(r.toString()).isInstanceOf(PatchLanding.Result.Committed.class);
        String commit = ((PatchLanding.Result.Committed) r).commit();
        assertThat(repo.git("rev-parse", "ai/test")).isEqualTo(commit);
        // The secret is still the real one in the committed file: the placeholder never reached it.
        assertThat(repo.git("show", "ai/test:conf/db.yaml")).isEqualTo("host: db\npassword: " + SECRET + "\nport: 5433");
        assertThat(repo.git("log", "--format=%B", "-1", "ai/test")).contains("Engine-Source: api").contains("Engine-Stage: db")
                .contains("Engine-Patch: escalations/db_patch.diff");
        assertThat(repo.git("rev-parse", "ai/test~1")).as("built on main").isEqualTo(mainBefore);
        JsonNode applied = audit().get(0);
        assertThat(applied.path("event").asText()).isEqualTo("patch_applied");
        assertThat(applied.at("/details/source").asText()).isEqualTo("api");
        assertThat(applied.at("/details/commit").asText()).isEqualTo(commit);
        assertThat(applied.at("/details/patch").asText()).isEqualTo("escalations/db_patch.diff");
        assertUserUntouched();
    }

    @Test
    void an_added_line_with_a_placeholder_is_refused_and_nothing_is_committed() throws Exception {
        PatchLanding.Result r = land("""
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -1,3 +1,3 @@
                 host: db
                -password: %1$s
                +password: %1$sx
                 port: 5432
                """.formatted(placeholder));
        assertThat(r).isInstanceOf(PatchLanding.Result.Refused.class);
        assertThat(((PatchLanding.Result.Refused) r).reasons()).anySatisfy(v -> assertThat(v).contains("I8-placeholder").contains("conf/db.yaml"));
        assertNoBranch();
        assertThat(audit()).singleElement().satisfies(e -> assertThat(e.path("event").asText()).isEqualTo("patch_refused"));
        assertUserUntouched();
    }

    @Test
    void every_violation_is_listed_at_once() throws Exception {
        PatchLanding.Result r = land("""
                --- a/conf/b.yaml
                +++ b/conf/b.yaml
                @@ -1 +1 @@
                -x: 1
                +x: [REDACTED:token:12345678]
                --- /dev/null
                +++ b/../outside.txt
                @@ -0,0 +1 @@
                +escaped
                """);
        assertThat(r).isInstanceOf(PatchLanding.Result.Refused.class);
        List<String> reasons = ((PatchLanding.Result.Refused) r).reasons();
        assertThat(reasons).anySatisfy(v -> assertThat(v).contains("I8-placeholder"));
        assertThat(reasons).anySatisfy(v -> assertThat(v).contains("I2"));
        assertThat(reasons).anySatisfy(v -> assertThat(v).contains("I4"));
        assertNoBranch();
        assertUserUntouched();
    }

    @Test
    void the_home_files_are_protected_wherever_the_home_is() {
        assertThat(PatchLanding.protectedFiles(dir, dir.resolve("ops/engine"), List.of("x.sh")))
                .contains("x.sh", "ops/engine/context_map.yaml", "ops/engine/state/", "ops/engine/executor_instructions.md");
        assertThat(PatchLanding.protectedFiles(dir, dir, List.of("x.sh"))).containsExactly("x.sh");
    }

    @Test
    void a_placeholder_hidden_in_an_added_line_that_looks_like_a_header_is_refused() throws Exception {
        PatchLanding.Result r = land("""
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -1,3 +1,4 @@
                 host: db
                +++ [REDACTED:token:1a2b3c4d]
                 password: %s
                 port: 5432
                """.formatted(placeholder));
        assertThat(r).isInstanceOf(PatchLanding.Result.Refused.class);
        assertThat(((PatchLanding.Result.Refused) r).reasons()).anySatisfy(v -> assertThat(v).contains("I8-placeholder"));
        assertNoBranch();
        assertUserUntouched();
    }

    /**
     * Issue 12 regression: a removed "-- x" line followed by an added "++ [REDACTED:...]" line is
     * raw "--- x" / "+++ [REDACTED:...]", which the old line scanner took for a file header and let
     * through; the parser reads them as body lines of the git section and the file got the placeholder.
     */
    @Test
    void a_removed_dash_line_then_an_added_placeholder_line_inside_a_git_hunk_is_refused() throws Exception {
        repo.commitFile("conf/notes.md", "title\n-- draft\nend\n", "notes");
        mainBefore = repo.git("rev-parse", "main");
        PatchLanding.Result r = land("""
                diff --git a/conf/notes.md b/conf/notes.md
                --- a/conf/notes.md
                +++ b/conf/notes.md
                @@ -1,3 +1,3 @@
                 title
                --- draft
                +++ [REDACTED:token:1a2b3c4d]
                 end
                """);
        assertThat(r).as(r.toString()).isInstanceOf(PatchLanding.Result.Refused.class);
        assertThat(((PatchLanding.Result.Refused) r).reasons()).anySatisfy(v -> assertThat(v).contains("I8-placeholder").contains("conf/notes.md"));
        assertNoBranch();
        assertUserUntouched();
    }

    /**
     * Issue 13: placeholders are restored before matching, and the "does not match ... (starting
     * '<line>')" refusal then quoted the real value into audit.jsonl. Every text must show the placeholder.
     */
    @Test
    void a_refusal_over_a_placeholder_line_never_shows_the_secret_anywhere() throws Exception {
        PatchLanding.Result r = land("""
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -2,2 +2,2 @@
                 password: %s
                -port: 6543
                +port: 5433
                """.formatted(placeholder));
        assertThat(r).isInstanceOf(PatchLanding.Result.Refused.class);
        String reasons = String.join("\n", ((PatchLanding.Result.Refused) r).reasons());
        assertThat(reasons).contains("does not match").contains(placeholder).doesNotContain(SECRET);
        String auditText = Files.readString(home.resolve("state/audit.jsonl"));
        assertThat(auditText).contains("patch_refused").contains(placeholder).doesNotContain(SECRET);
        assertThat(Files.readString(home.resolve("escalations/db_patch.diff"))).contains(placeholder).doesNotContain(SECRET);
        assertNoBranch();
        assertUserUntouched();
    }

    /** An executor works on real files, so its diff holds real secrets: kept, refused and audited only redacted. */
    @Test
    void an_executor_diff_is_kept_and_audited_redacted() throws Exception {
        String diff = """
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -2,2 +2,2 @@
                 password: %s
                -port: 6543
                +port: 5433
                """.formatted(SECRET);
        PatchLanding.Result r = landing().land(new PatchLanding.Proposal(PatchLanding.Source.EXECUTOR, "db", "abc123abc123", diff,
                "executor fix", Optional.of(List.of("conf/db.yaml"))), home.resolve("patches/db_attempt1_patch.diff"));
        assertThat(r).isInstanceOf(PatchLanding.Result.Refused.class);
        assertThat(String.join("\n", ((PatchLanding.Result.Refused) r).reasons())).doesNotContain(SECRET).contains("[REDACTED:");
        assertThat(Files.readString(home.resolve("patches/db_attempt1_patch.diff"), StandardCharsets.UTF_8))
                .doesNotContain(SECRET).contains("[REDACTED:").contains("+port: 5433");
        String auditText = Files.readString(home.resolve("state/audit.jsonl"));
        assertThat(auditText).doesNotContain(SECRET);
        assertThat(audit().get(0).at("/details/source").asText()).isEqualTo("executor");

        // The same fix, matching this time, lands; the kept copy is still redacted and named in the trailer.
        PatchLanding.Result ok = landing().land(new PatchLanding.Proposal(PatchLanding.Source.EXECUTOR, "db", "abc123abc123",
                diff.replace("-port: 6543", "-port: 5432"), "executor fix", Optional.of(List.of("conf/db.yaml"))),
                home.resolve("patches/db_attempt2_patch.diff"));
        assertThat(ok).as(ok.toString()).isInstanceOf(PatchLanding.Result.Committed.class);
        assertThat(Files.readString(home.resolve("patches/db_attempt2_patch.diff"))).doesNotContain(SECRET);
        assertThat(repo.git("log", "-1", "--format=%(trailers:key=Engine-Patch,valueonly)", "ai/test"))
                .isEqualTo("patches/db_attempt2_patch.diff");
        assertThat(repo.git("show", "ai/test:conf/db.yaml")).contains("password: " + SECRET).contains("port: 5433");
        assertUserUntouched();
    }

    @Test
    void an_executor_patch_outside_the_stage_files_is_refused() throws Exception {
        PatchLanding.Result r = landing().land(new PatchLanding.Proposal(PatchLanding.Source.EXECUTOR, "db", "abc", """
                --- a/conf/a.yaml
                +++ b/conf/a.yaml
                @@ -1 +1 @@
                -a: 1
                +a: 2
                """, "x", Optional.of(List.of("conf/db.yaml"))), home.resolve("patches/p.diff"));
        assertThat(((PatchLanding.Result.Refused) r).reasons()).anySatisfy(v -> assertThat(v).contains("I5-out-of-scope"));
        assertNoBranch();
    }

    /** Issue 12 regression: the base is the AI tip or main, never the branch the user has checked out. */
    @Test
    void the_base_is_main_even_with_a_feature_branch_checked_out() throws Exception {
        repo.git("checkout", "-q", "-b", "feature");
        String feature = repo.commitFile("conf/a.yaml", "a: 1\nb: 2\nc: 3\nhuman: yes\n", "human work on feature");
        PatchLanding.Result r = land("""
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -3 +3 @@
                -port: 5432
                +port: 5433
                """);
        assertThat(r).as(r.toString()).isInstanceOf(PatchLanding.Result.Committed.class);
        assertThat(r.against()).startsWith("main ");
        assertThat(repo.git("rev-parse", "ai/test~1")).isEqualTo(mainBefore);
        assertThat(repo.git("log", "--format=%s", "main..ai/test")).isEqualTo("ai(db): fix the port");
        assertThat(repo.git("show", "ai/test:conf/a.yaml")).doesNotContain("human");
        assertThat(repo.git("rev-parse", "feature")).isEqualTo(feature);
        assertThat(repo.git("symbolic-ref", "HEAD")).isEqualTo("refs/heads/feature");
        assertThat(repo.git("rev-parse", "main")).isEqualTo(mainBefore);
        assertThat(repo.git("status", "--porcelain")).isEmpty();

        // The next patch goes on the AI tip.
        PatchLanding.Result second = land("""
                --- a/conf/b.yaml
                +++ b/conf/b.yaml
                @@ -1 +1 @@
                -x: 1
                +x: 2
                """);
        assertThat(second).isInstanceOf(PatchLanding.Result.Refused.class); // conf/b.yaml is on the protected list here
        PatchLanding.Result third = land("""
                --- a/conf/a.yaml
                +++ b/conf/a.yaml
                @@ -1 +1 @@
                -a: 1
                +a: 10
                """);
        assertThat(third.against()).startsWith("ai/test ");
        assertThat(repo.git("rev-parse", "ai/test~1")).isEqualTo(((PatchLanding.Result.Committed) r).commit());
    }

    @Test
    void commits_carry_the_repository_identity_and_the_engine_trailers() throws Exception {
        land("""
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -3 +3 @@
                -port: 5432
                +port: 5433
                """);
        assertThat(repo.git("log", "-1", "--format=%an <%ae>|%cn <%ce>|%(trailers:key=Engine-Source,valueonly)", "ai/test"))
                .isEqualTo("Human <human@example.com>|Human <human@example.com>|api");
    }

    @Test
    void without_a_configured_identity_the_engine_name_is_used() throws Exception {
        repo.git("config", "--unset", "user.name");
        repo.git("config", "--unset", "user.email");
        try (NoUserGitConfig none = new NoUserGitConfig(home)) {
            try (var r = new FileRepositoryBuilder().setWorkTree(dir.toFile()).build()) {
                UserConfig u = r.getConfig().get(UserConfig.KEY);
                assertThat(u.isAuthorNameImplicit() && u.isAuthorEmailImplicit()).as("no identity configured").isTrue();
            }
            land("""
                    --- a/conf/db.yaml
                    +++ b/conf/db.yaml
                    @@ -3 +3 @@
                    -port: 5432
                    +port: 5433
                    """);
        }
        assertThat(repo.git("log", "-1", "--format=%an <%ae>|%(trailers:key=Engine-Stage,valueonly)", "ai/test"))
                .isEqualTo("engine <engine@localhost>|db");
    }

    @Test
    void a_check_writes_nothing() throws Exception {
        PatchLanding.Result r = landing().check(new PatchLanding.Proposal(PatchLanding.Source.MANUAL, null, null, """
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -3 +3 @@
                -port: 5432
                +port: 5433
                """, "check", Optional.empty()));
        assertThat(r).isEqualTo(new PatchLanding.Result.Checked("main " + mainBefore.substring(0, 10), List.of("conf/db.yaml"), 1, 1));
        assertNoBranch();
        assertThat(home.resolve("state")).doesNotExist();
        assertUserUntouched();
    }

    /** A token of GitHub's documented shape, made at run time so no secret-shaped string sits in the repository. */
    private static String githubToken() {
        String alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        java.util.Random r = new java.util.Random(13);
        StringBuilder sb = new StringBuilder("ghp_");
        for (int i = 0; i < 36; i++) sb.append(alnum.charAt(r.nextInt(alnum.length())));
        return sb.toString();
    }

    /**
     * Issue 13 item 8: a diff that would add a known secret (the environment's CF_API_TOKEN) or a
     * high-confidence token to the AI branch is refused, whoever proposed it, and the refusal, the
     * audit event and the kept patch show only placeholders.
     */
    @Test
    void a_diff_adding_a_secret_is_refused_from_every_source_and_shows_only_placeholders() throws Exception {
        String cfToken = "Xk2vN9qLr7Tz4Wb8Yc1Hd6Jf3Mg5Pa0Se2Ru";
        String ghToken = githubToken();
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        redactor = Redactor.create(key, Map.of("CF_API_TOKEN", cfToken));
        String diff = """
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -1,3 +1,5 @@
                 host: db
                 password: %s
                 port: 5432
                +cloudflare: %s
                +github: "%s"
                """.formatted(SECRET, cfToken, ghToken);
        int n = 0;
        for (PatchLanding.Source source : PatchLanding.Source.values()) {
            Path kept = home.resolve("patches/db_" + source.label() + "_patch.diff");
            PatchLanding.Result r = landing().land(new PatchLanding.Proposal(source, "db", "abc123abc123", diff, "add tokens",
                    source == PatchLanding.Source.EXECUTOR ? Optional.of(List.of("conf/db.yaml")) : Optional.empty()), kept);
            assertThat(r).as(source + ": " + r).isInstanceOf(PatchLanding.Result.Refused.class);
            List<String> reasons = ((PatchLanding.Result.Refused) r).reasons();
            assertThat(reasons).as(source.label()).hasSize(2).allSatisfy(v -> assertThat(v).startsWith("I8-secret conf/db.yaml: line ")
                    .containsPattern("\\[REDACTED:[a-z0-9-]+:[0-9a-f]{12}\\]").doesNotContain(cfToken).doesNotContain(ghToken));
            assertThat(reasons.get(0)).contains("line 4 adds the value found at env:CF_API_TOKEN");
            assertThat(reasons.get(1)).contains("line 5 adds a github");
            assertThat(Files.readString(kept)).contains("+cloudflare: [REDACTED:").doesNotContain(cfToken).doesNotContain(ghToken);
            JsonNode event = audit().get(n++);
            assertThat(event.path("event").asText()).isEqualTo("patch_refused");
            assertThat(event.at("/details/source").asText()).isEqualTo(source.label());
            assertThat(event.at("/details/violations").toString()).contains("I8-secret");
        }
        String auditText = Files.readString(home.resolve("state/audit.jsonl"));
        assertThat(auditText).doesNotContain(cfToken).doesNotContain(ghToken);
        assertNoBranch();
        assertUserUntouched();

        // patch check sees it too, and writes nothing
        PatchLanding.Result checked = landing().check(new PatchLanding.Proposal(PatchLanding.Source.MANUAL, null, null, diff, "check",
                Optional.empty()));
        assertThat(checked).isInstanceOf(PatchLanding.Result.Refused.class);
        assertThat(((PatchLanding.Result.Refused) checked).reasons()).hasSize(2).noneMatch(v -> v.contains(cfToken) || v.contains(ghToken));
        assertThat(audit()).hasSize(3);
    }

    /** A reference to a secret is not a secret: the diff lands. */
    @Test
    void a_diff_adding_a_reference_to_a_secret_lands() throws Exception {
        PatchLanding.Result r = land("""
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -1,3 +1,4 @@
                 host: db
                 password: %s
                 port: 5432
                +token: ${CF_API_TOKEN}
                """.formatted(placeholder));
        assertThat(r).as(r.toString()).isInstanceOf(PatchLanding.Result.Committed.class);
        assertThat(repo.git("show", "ai/test:conf/db.yaml")).contains("token: ${CF_API_TOKEN}").contains("password: " + SECRET);
    }

    /** The commit message carries the model's summary: redacted like every text kept for humans. */
    @Test
    void the_commit_message_holds_no_secret() throws Exception {
        PatchLanding.Result r = landing().land(new PatchLanding.Proposal(PatchLanding.Source.MODEL, "db", "abc123abc123", """
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -3 +3 @@
                -port: 5432
                +port: 5433
                """, "move to 5433; the password " + SECRET + " stays", Optional.empty()), home.resolve("escalations/db_patch.diff"));
        assertThat(r).as(r.toString()).isInstanceOf(PatchLanding.Result.Committed.class);
        String message = repo.git("log", "-1", "--format=%B", "ai/test");
        assertThat(message).startsWith("ai(db): move to 5433; the password [REDACTED:").doesNotContain(SECRET);
    }
}
