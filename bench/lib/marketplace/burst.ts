/** What the parent asks the burst process for: every request sent at once, each answer classified. */
export interface BurstSettings {
  url: string;
  requests: { headers: Record<string, string>; body: string }[];
}

/** One request's answer: the booking's id, or the error code it got (TRANSPORT when there was no answer). */
export interface BurstOutcome {
  ms: number;
  bookingId: string | null;
  code: string | null;
}

export interface BurstResult {
  outcomes: BurstOutcome[];
  /** From the first request sent to the last answer received. */
  seconds: number;
}

/** The booking id or error code of a requestBooking answer. */
export function classify(status: number, text: string): Pick<BurstOutcome, 'bookingId' | 'code'> {
  try {
    const body = JSON.parse(text) as {
      data?: { requestBooking?: { id?: string } | null } | null;
      errors?: { extensions?: { code?: string } }[];
    };
    const id = body.data?.requestBooking?.id;
    if (id) return { bookingId: id, code: null };
    return { bookingId: null, code: body.errors?.[0]?.extensions?.code ?? `HTTP_${status}` };
  } catch {
    return { bookingId: null, code: `HTTP_${status}` };
  }
}
