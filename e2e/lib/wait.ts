/** Bounded waiting: every loop of the suite ends, and says what it waited for when it gives up. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
    readonly timeoutMs: number;
    readonly intervalMs?: number;
}

/**
 * Polls check until it returns a value other than undefined/false, or throws after timeoutMs
 * naming what was awaited and the last thing check said (its last error or `describe()`).
 */
export async function waitFor<T>(
    what: string,
    check: () => Promise<T | undefined | false> | T | undefined | false,
    options: WaitOptions & { describe?: () => string | Promise<string> },
): Promise<T> {
    const { timeoutMs, intervalMs = 250 } = options;
    const deadline = Date.now() + timeoutMs;
    let last = "";
    for (;;) {
        try {
            const value = await check();
            if (value !== undefined && value !== false) return value;
            last = "";
        } catch (e) {
            last = e instanceof Error ? e.message : String(e);
        }
        if (Date.now() >= deadline) {
            const detail = options.describe ? await options.describe() : last;
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `: ${detail}` : ""}`);
        }
        await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
    }
}

/** Milliseconds since t0, rounded. */
export const since = (t0: number) => Date.now() - t0;
