package dev.engine.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import java.util.Map;

/**
 * Renders the templates of src/main/jte, compiled to classes at build time (package
 * {@code dev.engine.console.pages}). jte escapes every {@code ${...}} for where it stands (text,
 * attribute); the templates use no unescaped output, so no value can become markup.
 */
final class Pages {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(null, ContentType.Html, Pages.class.getClassLoader(),
            "dev.engine.console.pages");

    byte[] board(View.Board board) {
        return render("board.jte", Map.of("board", board));
    }

    byte[] columns(View.Board board) {
        return render("columns.jte", Map.of("board", board));
    }

    byte[] stage(View.Stage stage) {
        return render("stage.jte", Map.of("stage", stage));
    }

    byte[] review(View.Review review) {
        return render("review.jte", Map.of("review", review));
    }

    byte[] result(View.Result result, String mode, boolean canAct) {
        return render("result.jte", Map.of("result", result, "mode", mode, "canAct", canAct));
    }

    private byte[] render(String template, Map<String, Object> params) {
        Utf8ByteOutput out = new Utf8ByteOutput();
        engine.render(template, params, out);
        return out.toByteArray();
    }
}
