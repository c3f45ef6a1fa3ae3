package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.engine.cli.ChatCompletions;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (issue 16, done-when): headless Chromium, driven by Selenium,
 * against `engine watch` converging a failing stage with a MockWebServer model, and against
 * `engine console` for forged approvals. Screenshots of each page go to target/.
 */
class ConsoleBrowserTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String FIX = "--- a/conf/talos.yaml\n+++ b/conf/talos.yaml\n@@ -1,2 +1,2 @@\n cluster: lab\n-ready: false\n+ready: true\n";

    @TempDir
    Path tmp;
    EngineWorkspace w;
    WebDriver browser;
    MockWebServer model;

    @BeforeEach
    void setUp() throws Exception {
        Chromium.require();
        w = EngineWorkspace.create(tmp, """
                stages:
                  talos:
                    command: "stages/talos.sh"
                    files: [conf/talos.yaml]
                  apps:
                    command: "true"
                    depends_on: [talos]
                  dns:
                    command: "stages/dns.sh"
                """);
        w.script("stages/talos.sh", "grep -q 'ready: true' conf/talos.yaml || { echo 'error: talos API not ready (conf/talos.yaml says ready: false)'; exit 1; }");
        w.script("stages/dns.sh", "echo 'SERVFAIL lab.internal'; exit 1");
        w.write("conf/talos.yaml", "cluster: lab\nready: false\n");
        w.commit();
        w.write("state/stage_status.json", "{\"dns\": \"give_up\"}\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (model != null) {
            model.shutdown();
        }
        if (w != null) {
            w.close();
        }
    }

    @Test
    void theBoardFollowsTheEngineLiveAndAnApprovalInTheBrowserMergesTheCommit() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        model = new MockWebServer();
        model.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                if (calls.incrementAndGet() > 1) {
                    return ChatCompletions.giveUp("one fix is all this model has");
                }
                answer.await(90, TimeUnit.SECONDS); // the browser watches the failed card first
                return ChatCompletions.patch("mark the talos API ready", FIX);
            }
        });
        model.start(InetAddress.getLoopbackAddress(), 0);
        w.env("OPENAI_API_KEY", "sk-test-console-browser").env("OPENAI_BASE_URL", model.url("/v1").toString())
                .env("EXECUTOR_RETRY_THRESHOLD", "0");
        EngineProcess watch = w.start("watch", "--interval", "1s", "--listen", "127.0.0.1:0");
        ConsoleSecurityTest.Login login = ConsoleSecurityTest.login(watch);
        browser = Chromium.start(tmp.resolve("profile"));
        WebDriverWait wait = new WebDriverWait(browser, WAIT);

        browser.get(login.base() + "/?token=" + login.token());
        assertThat(browser.getCurrentUrl()).as("the token is dropped from the address").isEqualTo(login.base() + "/");
        wait.until(d -> !d.findElements(By.cssSelector("#column-failed [data-stage='talos']")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#column-give_up [data-stage='dns']"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector("#column-idle [data-stage='apps']"))).hasSize(1);
        wait.until(d -> text(d, "#live").startsWith("live updates: on"));
        assertThat(browser.findElements(By.id("notoken"))).as("signed in by the URL's token").isEmpty();
        screenshot("console-board-failed.png");
        ((JavascriptExecutor) browser).executeScript("window.engineNoReload = 42;");

        answer.countDown(); // the model answers; the engine lands the fix on the AI branch and re-runs talos
        wait.until(d -> !d.findElements(By.cssSelector("#column-green [data-stage='talos']")).isEmpty());
        wait.until(d -> !d.findElements(By.cssSelector("#column-green [data-stage='apps']")).isEmpty());
        assertThat(((JavascriptExecutor) browser).executeScript("return window.engineNoReload;"))
                .as("the cards moved without a reload").isEqualTo(42L);
        screenshot("console-board.png");

        browser.findElement(By.cssSelector("#card-talos h3 a")).click();
        wait.until(d -> !d.findElements(By.cssSelector(".timeline .kind-model")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(".timeline")).getText()).contains("model_call").contains("patch_applied")
                .contains("case file sent: talos_");
        screenshot("console-stage.png");

        browser.get(login.base() + "/review");
        WebElement commit = wait.until(d -> d.findElement(By.cssSelector("section.commit")));
        String sha = commit.getAttribute("data-sha");
        assertThat(sha).isEqualTo(w.git("rev-parse", "ai/orchestrator-stage1"));
        assertThat(commit.findElement(By.cssSelector("tr.change td.old")).getText()).isEqualTo("ready: false");
        assertThat(commit.findElement(By.cssSelector("tr.change td.new")).getText()).isEqualTo("ready: true");
        assertThat(commit.findElement(By.cssSelector("tr.change td.old del")).getText()).isEqualTo("false");
        assertThat(commit.findElement(By.cssSelector("tr.change td.new ins")).getText()).isEqualTo("true");
        assertThat(commit.findElement(By.cssSelector(".green-after")).getText()).isEqualTo("yes");
        screenshot("console-review.png");

        commit.findElement(By.name("reason")).sendKeys("checked the talos config");
        commit.findElement(By.cssSelector("button.approve")).click();
        wait.until(d -> text(d, "#outcome").equals("done"));
        assertThat(text(browser, "#out")).contains("approved 1 commit(s)");
        assertThat(w.git("rev-parse", "main")).as("git: main holds the approved commit").isEqualTo(sha);
        assertThat(w.git("merge-base", "--is-ancestor", sha, "main")).isEmpty();
        JsonNode approved = w.auditEvents("talos", "approved").get(0).path("details");
        assertThat(approved.path("via").asText()).isEqualTo("console");
        assertThat(approved.path("reason").asText()).isEqualTo("checked the talos config");
        watch.sigterm();
        assertThat(watch.waitFor(WAIT)).as(watch.describe()).isZero();
    }

    @Test
    void anApprovalWithoutTheTokenFromAnotherOriginOrByGetChangesNothing() throws Exception {
        w.write("fix.diff", FIX);
        EngineProcess apply = w.runToEnd(WAIT, "patch", "apply", "fix.diff", "--stage", "talos");
        assertThat(apply.waitFor(WAIT)).as(apply.describe()).isZero();
        Files.delete(w.ws().resolve("fix.diff"));
        String sha = w.git("rev-parse", "ai/orchestrator-stage1");
        String main = w.git("rev-parse", "main");
        EngineProcess console = w.start("console", "--listen", "127.0.0.1:0");
        ConsoleSecurityTest.Login login = ConsoleSecurityTest.login(console);
        browser = Chromium.start(tmp.resolve("profile"));
        WebDriverWait wait = new WebDriverWait(browser, WAIT);

        // 1. A browser that never opened the token URL: the page shows, the approval is refused.
        browser.get(login.base() + "/review");
        assertThat(browser.findElement(By.id("notoken")).getText()).contains("read-only");
        browser.findElement(By.cssSelector("button.approve")).click();
        wait.until(d -> d.getPageSource().contains("forbidden: actions need the console token"));
        screenshot("console-forged-no-token.png");

        // 2. Signed in, then lured to a page of another origin (another port of 127.0.0.1: same site, so
        //    the SameSite cookie goes along) that posts the approval form itself.
        browser.get(login.base() + "/?token=" + login.token());
        try (MockWebServer attacker = new MockWebServer()) {
            attacker.enqueue(new MockResponse().setHeader("Content-Type", "text/html").setBody(
                    "<!DOCTYPE html><html><body><form id='f' method='post' action='" + login.base() + "/actions/approve'>"
                    + "<input name='commit' value='" + sha + "'></form><script>document.getElementById('f').submit();</script>"
                    + "</body></html>"));
            attacker.start(InetAddress.getLoopbackAddress(), 0);
            browser.get("http://127.0.0.1:" + attacker.getPort() + "/cute-cats");
            wait.until(d -> d.getPageSource().contains("forbidden: the request does not come from a page of this console"));
            assertThat(browser.getPageSource()).contains("Origin 'http://127.0.0.1:" + attacker.getPort() + "'");
            screenshot("console-forged-origin.png");
        }

        // 3. A link that approves by GET.
        browser.get(login.base() + "/actions/approve?commit=" + sha);
        wait.until(d -> d.getPageSource().contains("forbidden: actions are POST only"));

        assertThat(w.git("rev-parse", "main")).as("main unchanged").isEqualTo(main);
        assertThat(w.git("rev-parse", "ai/orchestrator-stage1")).isEqualTo(sha);
        assertThat(w.audit().stream().map(e -> e.path("event").asText()).toList()).doesNotContain("approved", "approve_refused");
        console.sigterm();
        assertThat(console.waitFor(WAIT)).isZero();
    }

    private static String text(WebDriver d, String css) {
        List<WebElement> found = d.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    private void screenshot(String name) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "console-screenshots"));
        Files.write(dir.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
