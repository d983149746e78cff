/**
 * How long the harness waits for a device's answer when neither the target nor the caller says:
 * one constant for the clients, the config defaults and the CLI.
 * @see docs/architecture.md
 */
export const DEFAULT_RESPONSE_TIMEOUT_MS = 2000;
