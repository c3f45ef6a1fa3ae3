package dev.engine.escalation.casefile;

/** The fixed instructions at the end of every case file: how the model must answer. */
final class ResponseContract {
    private ResponseContract() {}

    static final String TEXT = """
            ## Response contract

            Answer with one JSON object and nothing else:

            {"type": "patch" | "diagnostics" | "give_up", "summary": "...", "patch": "...", "commands": ["..."], "reason": "..."}

            - `type`: exactly one of
              - `patch`: you can fix the failure by changing the stage's files; the diff goes in `patch`.
              - `diagnostics`: you need to see the live system first; the commands go in `commands`. Their output comes back in a second case file. This spends one model call of the budget.
              - `give_up`: a human has to act (hardware, network, credentials, a decision the files cannot make); say what they must do in `reason`.
            - `summary`: one or two sentences: the cause you found and what your answer does.
            - `patch`: the unified diff for `patch`, otherwise "".
            - `commands`: the commands for `diagnostics`, otherwise [].
            - `reason`: why you chose this answer; for `give_up`, what the human must do.

            Rules for `patch` (a patch that breaks any rule is refused whole, and the call is spent):
            1. A unified diff as `git diff` writes it: per file a `--- a/PATH` line and a `+++ b/PATH` line, then `@@` hunks with 3 lines of context on each side where the file has them. A new file has `--- /dev/null`.
            2. PATH is relative to the workspace root, exactly as the file is headed under "Stage files": no leading `/`, no `./`, no `..`, nothing under `.git/`.
            3. Change only the stage's files: the paths under "Files in scope", or files inside a directory listed there.
            4. At most 60 changed lines (added plus removed) and at most 5 files.
            5. No new top-level directory. No deleted or renamed files, no mode changes, no binary content.
            6. Never touch protected files: context_map.yaml, master_memo.md, executor_instructions.md, the `engine` launcher, the engine's state/, logs/, escalations/ and patches/ folders, and any file the map protects.
            7. Context and removed lines must match the file exactly as shown. In excerpts, the line-number prefix (`  42 | `) is not part of the file, and neither are `… (N lines omitted) …` markers: never copy either into the diff.
            8. `[REDACTED:...]` stands for a secret removed before you saw the file. Keep a line holding one unchanged (as context, or leave it out of the hunk); never write `[REDACTED:` in a `+` line: a patch that does is refused. If the fix needs a secret's value, answer `give_up`.

            Rules for `commands`:
            1. Only commands listed under "Diagnostics you may request", copied exactly, or read-only commands: `kubectl get|describe|logs|top|events|version ...`, `talosctl get|version|health|dmesg|logs|services ...`.
            2. A command you compose yourself: one per string, plain arguments, no pipes, redirections, `;`, `&&`, `||`, `$(...)`, backticks, globs or variable assignments. Commands run without a shell, with a timeout and an output cap; a refused command is reported back with the reason.
            3. Ask only for what you need to decide, usually one to three commands.
            """;
}
