package dev.engine.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.patch.PatchPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Landing a proposed diff: placeholders, invariants, and that only the AI branch moves (checked with the git CLI). */
class PatchLandingTest {
    private static final Pattern SHAPE = Pattern.compile("\\[REDACTED:[a-z-]+:[0-9a-f]{8}\\]");
    private static final String SECRET = "s3cr3t-Value-42";
    private static final String PLACEHOLDER = "[REDACTED:password:0badc0de]";
    private static final PatchLanding.Placeholders PLACEHOLDERS = new PatchLanding.Placeholders(
            line -> SHAPE.matcher(line).find(), (UnaryOperator<String>) line -> line.replace(PLACEHOLDER, SECRET));

    @TempDir
    Path dir;
    GitRepo repo;
    String mainBefore;
    String statusBefore;

    @BeforeEach
    void setUp() throws Exception {
        repo = GitRepo.create(dir);
        repo.commitFile("conf/db.yaml", "host: db\npassword: " + SECRET + "\nport: 5432\n", "db config");
        mainBefore = repo.git("rev-parse", "main");
        statusBefore = repo.git("status", "--porcelain");
    }

    private PatchLanding.Result land(String diff) throws Exception {
        return new PatchLanding(dir, "ai/test", "main").land(diff, PatchPolicy.defaults(List.of("conf/b.yaml")), PLACEHOLDERS,
                new CommitInfo("db", "api", "abc123abc123", "escalations/x_patch.diff", "fix the port"));
    }

    private void assertUserUntouched() throws Exception {
        assertThat(repo.git("rev-parse", "main")).isEqualTo(mainBefore);
        assertThat(repo.git("status", "--porcelain")).isEqualTo(statusBefore);
        assertThat(repo.git("symbolic-ref", "HEAD")).isEqualTo("refs/heads/main");
        repo.git("fsck", "--strict");
    }

    @Test
    void a_context_line_quoting_a_placeholder_is_matched_against_the_real_file() throws Exception {
        PatchLanding.Result r = land("""
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -1,3 +1,3 @@
                 host: db
                 password: [REDACTED:password:0badc0de]
                -port: 5432
                +port: 5433
                """);
        assertThat(r).isInstanceOf(PatchLanding.Result.Committed.class);
        String commit = ((PatchLanding.Result.Committed) r).commit();
        assertThat(repo.git("rev-parse", "ai/test")).isEqualTo(commit);
        // The secret is still the real one in the committed file: the placeholder never reached it.
        assertThat(repo.git("show", "ai/test:conf/db.yaml")).isEqualTo("host: db\npassword: " + SECRET + "\nport: 5433");
        assertThat(repo.git("log", "--format=%B", "-1", "ai/test")).contains("Engine-Source: api").contains("Engine-Stage: db");
        assertUserUntouched();
    }

    @Test
    void an_added_line_with_a_placeholder_is_refused_and_nothing_is_committed() throws Exception {
        PatchLanding.Result r = land("""
                --- a/conf/db.yaml
                +++ b/conf/db.yaml
                @@ -1,3 +1,3 @@
                 host: db
                -password: [REDACTED:password:0badc0de]
                +password: [REDACTED:password:0badc0de]x
                 port: 5432
                """);
        assertThat(r).isInstanceOf(PatchLanding.Result.Refused.class);
        assertThat(((PatchLanding.Result.Refused) r).reasons()).anySatisfy(v -> assertThat(v).contains("I8-placeholder").contains("conf/db.yaml"));
        assertThat(repo.run("rev-parse", "--verify", "-q", "refs/heads/ai/test").exit()).isNotZero();
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
        assertThat(repo.run("rev-parse", "--verify", "-q", "refs/heads/ai/test").exit()).isNotZero();
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
                 password: [REDACTED:password:0badc0de]
                 port: 5432
                """);
        assertThat(r).isInstanceOf(PatchLanding.Result.Refused.class);
        assertThat(((PatchLanding.Result.Refused) r).reasons()).anySatisfy(v -> assertThat(v).contains("I8-placeholder"));
        assertUserUntouched();
    }
}
