/** Signs in through better-auth's endpoint (which throttles attempts); the session cookie is set on success. */
export async function signInWithPassword(email: string, password: string): Promise<{ ok: true } | { ok: false; status: number }> {
  const response = await fetch("/api/auth/sign-in/email", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: email.trim().toLowerCase(), password }),
    credentials: "same-origin",
  });
  return response.ok ? { ok: true } : { ok: false, status: response.status };
}

export async function signOut(): Promise<void> {
  await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}", credentials: "same-origin" });
}

/** Only a path inside the app (never another site) is followed after signing in. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/flows";
}
