// Tenet for VS Code: starts `tenet lsp` (the same command every editor uses)
// for Markdown, plain text and .tenet files.
import * as fs from "fs";
import * as path from "path";
import { commands, ExtensionContext, window, workspace } from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/**
 * The tenet binary: the `tenet.path` setting; else the one the platform package
 * ships in `bin/`; else `tenet` found on PATH.
 */
export function findTenet(
  configured: string,
  bundledDir?: string,
  envPath = process.env.PATH ?? ""
): string | undefined {
  if (configured) {
    return fs.existsSync(configured) ? configured : undefined;
  }
  const names = process.platform === "win32" ? ["tenet.exe", "tenet"] : ["tenet"];
  for (const dir of [bundledDir ?? "", ...envPath.split(path.delimiter)]) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (dir && fs.existsSync(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function settings() {
  const c = workspace.getConfiguration("tenet");
  return {
    tenet: {
      channel: c.get<string>("channel") || undefined,
      rules: c.get<string[]>("rules") ?? [],
      debounceMs: c.get<number>("debounceMs") ?? 100,
      languages: c.get<string[]>("languages") ?? [],
    },
  };
}

export async function activate(context: ExtensionContext) {
  const output = window.createOutputChannel("Tenet");
  context.subscriptions.push(
    output,
    commands.registerCommand("tenet.showOutput", () => output.show(true)),
    commands.registerCommand("tenet.restart", async () => {
      await client?.restart();
    })
  );
  const configured = workspace.getConfiguration("tenet").get<string>("path") ?? "";
  const command = findTenet(configured, path.join(context.extensionPath, "bin"));
  if (!command) {
    const where = configured
      ? `at ${configured} (the tenet.path setting)`
      : "in this extension or on the PATH VS Code was started with";
    output.appendLine(`the tenet binary was not found ${where}`);
    window.showErrorMessage(
      `Tenet: the tenet binary was not found ${where}. Install the extension for your platform, install tenet with \`cargo install --path .\` from the Tenet repository, or set tenet.path.`
    );
    return;
  }
  output.appendLine(`starting ${command} lsp`);
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const languages = ["markdown", "plaintext", "tenet", ...(settings().tenet.languages ?? [])];
  const clientOptions: LanguageClientOptions = {
    // Files and unsaved editors only: not the chat box, output panes or other
    // text VS Code shows in an editor.
    documentSelector: ["file", "untitled"].flatMap((scheme) => [
      ...languages.map((language) => ({ scheme, language })),
      { scheme, pattern: "**/tenet.toml" },
    ]),
    initializationOptions: settings(),
    outputChannel: output,
    synchronize: {
      configurationSection: "tenet",
      fileEvents: [workspace.createFileSystemWatcher("**/*.tenet"), workspace.createFileSystemWatcher("**/tenet.toml")],
    },
  };
  client = new LanguageClient("tenet", "Tenet", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate() {
  await client?.stop();
}
