#!/usr/bin/env node
// Entry point of the `stemma` command: runs the compiled CLI (`npm run build` produces dist/).
import { main } from '../dist/src/cli/main.js';

// The AWS SDK warns on every client about Node 20's support ending; a command's stderr is for its own errors.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Instance and container role credentials are temporary keys no Stemma keys file can hold, and
// probing for them costs a network timeout off EC2: the CLI's credential chain skips them.
process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
await main(process.argv);
