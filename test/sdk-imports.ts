/** The SDK as its users import it, plus the list helper tests use. */
export * from '../src/sdk/index.js';
export { collect } from '../src/sdk/pages.js';
