// @ts-check
/**
 * Compiles the app for a plain Node server.
 *
 * The Workflow SDK's directives ("use workflow", "use step") need a compile step that
 * frameworks normally provide; a Bolt app has none, so we drive the SDK's own builders:
 *
 *   dist/workflow/workflows.mjs  workflow functions, run by the engine in its sandbox
 *   dist/workflow/steps.mjs      step functions with their local dependencies
 *   dist/app.mjs                 the server, with the client transform applied so that
 *                                `start(fn)` knows each workflow's id
 *
 * Ids embed the source path relative to the project root, so everything is compiled
 * from the original sources with the project root as working directory.
 * Packages from node_modules stay external in every bundle: the app and the bundles
 * must share one copy of the workflow runtime (one world per process).
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseBuilder, createBaseBuilderConfig, createSwcPlugin } from '@workflow/builders';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'dist');
const workflowDir = join(outDir, 'workflow');

class AppWorkflowBuilder extends BaseBuilder {
  constructor() {
    super({
      ...createBaseBuilderConfig({ workingDir: root, dirs: ['src'] }),
      buildTarget: 'standalone',
      suppressCreateWorkflowsBundleLogs: true,
      suppressCreateWebhookBundleLogs: true,
      suppressCreateManifestLogs: true,
    });
  }

  async build() {
    const inputFiles = await this.getInputFiles();
    await this.createWorkflowsBundle({
      outfile: join(workflowDir, 'workflows.mjs'),
      bundleFinalOutput: false,
      format: 'esm',
      inputFiles,
    });
    await this.createStepsBundle({
      outfile: join(workflowDir, 'steps.mjs'),
      externalizeNonSteps: true,
      rewriteTsExtensions: true,
      // Node imports the bundle straight from disk: local imports must be inlined.
      bundleTransitiveLocalStepDependencies: true,
      format: 'esm',
      inputFiles,
    });
  }
}

const started = Date.now();
await rm(outDir, { recursive: true, force: true });
await mkdir(workflowDir, { recursive: true });
await new AppWorkflowBuilder().build();
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { app: join(root, 'src', 'main.ts') },
  outdir: outDir,
  outExtension: { '.js': '.mjs' },
  // The entry point loads the server lazily (after picking the engine): one chunk.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [createSwcPlugin({ mode: 'client', projectRoot: root })],
});
// The sandbox page is static: served as is, by the sandbox chunk only.
await cp(join(root, 'src', 'sandbox', 'page'), join(outDir, 'sandbox-page'), {
  recursive: true,
  filter: (source) => !source.endsWith('.d.ts'),
});
console.log(`built dist/ in ${Date.now() - started} ms`);
