// A small GraphQL client: typed documents from codegen, fetch with the session cookie, errors
// turned into ApiError with the server's `extensions.code`. No cache: screens refetch after
// writes, which keeps what a user sees equal to what the server says.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field: string | null = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface UserErrorLike {
  code: string;
  field: string | null;
  message: string;
}

const printed = new WeakMap<object, string>();
function source(doc: TypedDocumentNode<unknown, unknown>): string {
  let text = printed.get(doc);
  if (!text) {
    text = print(doc);
    printed.set(doc, text);
  }
  return text;
}

/** Operations that carry evidence files go to the authenticated upload route, whose body limit
 * is large; every other request goes to /graphql, whose limit is small (docs/security.md). */
const UPLOAD_OPERATIONS = new Set(['SubmitProgressReport', 'ReportMicroWishFulfilment']);
function endpoint(doc: TypedDocumentNode<unknown, unknown>): string {
  const op = doc.definitions.find((d) => d.kind === 'OperationDefinition');
  const name = op && 'name' in op ? op.name?.value : undefined;
  return name && UPLOAD_OPERATIONS.has(name) ? '/graphql/upload' : '/graphql';
}

type Listener = (error: ApiError) => void;
const unauthenticatedListeners = new Set<Listener>();
/** Called when the server says the session is gone (the shell sends the user to login). */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export async function request<TData, TVars>(doc: TypedDocumentNode<TData, TVars>, variables?: TVars, signal?: AbortSignal): Promise<TData> {
  let response: Response;
  try {
    response = await fetch(endpoint(doc as TypedDocumentNode<unknown, unknown>), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query: source(doc as TypedDocumentNode<unknown, unknown>), variables: variables ?? {} }),
      signal,
    });
  } catch (exc) {
    if (exc instanceof DOMException && exc.name === 'AbortError') throw exc;
    throw new ApiError('network error', 'NETWORK');
  }
  let body: { data?: TData | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): the request id is still in the response header.
    throw new ApiError(
      `HTTP ${response.status}`,
      response.status >= 500 ? 'INTERNAL' : 'UNKNOWN',
      null,
      response.headers.get('x-request-id'),
    );
  }
  if (body.errors && body.errors.length > 0) {
    const first = body.errors[0];
    const ext = first.extensions ?? {};
    const error = new ApiError(
      first.message,
      typeof ext.code === 'string' ? ext.code : 'INTERNAL',
      typeof ext.field === 'string' ? ext.field : null,
      typeof ext.requestId === 'string' ? ext.requestId : response.headers.get('x-request-id'),
    );
    if (error.code === 'UNAUTHENTICATED') unauthenticatedListeners.forEach((l) => l(error));
    throw error;
  }
  if (!body.data) throw new ApiError(`HTTP ${response.status}`, 'INTERNAL', null, response.headers.get('x-request-id'));
  // A mutation refused because the session ended (expired, logged out elsewhere) sends the
  // user to the login page like a refused query does.
  for (const value of Object.values(body.data as Record<string, unknown>)) {
    const errors = (value as { errors?: { code?: string }[] } | null)?.errors;
    if (Array.isArray(errors) && errors.some((e) => e.code === 'UNAUTHENTICATED')) {
      const error = new ApiError('session ended', 'UNAUTHENTICATED');
      unauthenticatedListeners.forEach((l) => l(error));
    }
  }
  return body.data;
}

export interface QueryState<TData> {
  data: TData | undefined;
  loading: boolean;
  error: ApiError | undefined;
  refetch: () => Promise<void>;
}

/** Run a query when the component mounts and whenever the variables change. */
export function useQuery<TData, TVars>(
  doc: TypedDocumentNode<TData, TVars>,
  variables?: TVars,
  options: { skip?: boolean; pollMs?: number } = {},
): QueryState<TData> {
  const [data, setData] = useState<TData | undefined>(undefined);
  const [loading, setLoading] = useState(!options.skip);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const key = JSON.stringify(variables ?? {});
  const varsRef = useRef(variables);
  varsRef.current = variables;
  const controllerRef = useRef<AbortController | null>(null);

  const run = useCallback(
    async (quiet: boolean) => {
      controllerRef.current?.abort();
      const controller = new AbortController();
      controllerRef.current = controller;
      if (!quiet) setLoading(true);
      try {
        const result = await request(doc, varsRef.current, controller.signal);
        if (!controller.signal.aborted) {
          setData(result);
          setError(undefined);
        }
      } catch (exc) {
        if (controller.signal.aborted) return;
        setError(exc instanceof ApiError ? exc : new ApiError(String(exc), 'UNKNOWN'));
      } finally {
        if (!controller.signal.aborted) setLoading(false);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [doc, key],
  );

  useEffect(() => {
    if (options.skip) {
      setLoading(false);
      return undefined;
    }
    void run(false);
    let timer: number | undefined;
    if (options.pollMs) timer = window.setInterval(() => void run(true), options.pollMs);
    return () => {
      controllerRef.current?.abort();
      if (timer !== undefined) window.clearInterval(timer);
    };
  }, [run, options.skip, options.pollMs]);

  const refetch = useCallback(() => run(true), [run]);
  return { data, loading, error, refetch };
}

/** A mutation runner with its own busy flag. Top-level errors are thrown as ApiError. */
export function useMutation<TData, TVars>(
  doc: TypedDocumentNode<TData, TVars>,
): [(variables: TVars) => Promise<TData>, { loading: boolean }] {
  const [loading, setLoading] = useState(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    async (variables: TVars) => {
      setLoading(true);
      try {
        return await request(doc, variables);
      } finally {
        if (mounted.current) setLoading(false);
      }
    },
    [doc],
  );
  return [run, { loading }];
}
