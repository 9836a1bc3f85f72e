/**
 * Entry points of the bundled handler asset: `index.onEvent` and
 * `index.isComplete`, the user functions of aws-cdk-lib's custom_resources.Provider.
 */
export { onEvent } from './on-event';
export { isComplete } from './is-complete';
