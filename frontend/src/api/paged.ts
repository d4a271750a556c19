import { useCallback, useEffect, useState } from 'react';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ApiError, request } from './client';

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/**
 * A Relay connection read page by page ("load more"). `pick` returns the connection inside the
 * query's data. Changing `variables` starts over.
 */
export function usePaged<TData, TVars extends { after?: string | null; first?: number | null }, TNode>(
  doc: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  pick: (data: TData) => { nodes: TNode[]; pageInfo: PageInfo },
  options: { skip?: boolean } = {},
) {
  const [nodes, setNodes] = useState<TNode[]>([]);
  const [pageInfo, setPageInfo] = useState<PageInfo | null>(null);
  const [loading, setLoading] = useState(!options.skip);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const key = JSON.stringify(variables);

  const load = useCallback(
    async (after: string | null, append: boolean) => {
      try {
        const data = await request(doc, { ...variables, after });
        const conn = pick(data);
        setNodes((prev) => (append ? [...prev, ...conn.nodes] : conn.nodes));
        setPageInfo(conn.pageInfo);
        setError(undefined);
      } catch (exc) {
        setError(exc instanceof ApiError ? exc : new ApiError(String(exc), 'UNKNOWN'));
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [doc, key],
  );

  const reload = useCallback(async () => {
    await load(null, false);
    setLoading(false);
  }, [load]);

  useEffect(() => {
    if (options.skip) {
      setLoading(false);
      return;
    }
    setLoading(true);
    void reload();
  }, [reload, options.skip]);

  const loadMore = useCallback(async () => {
    if (!pageInfo?.hasNextPage) return;
    setLoadingMore(true);
    await load(pageInfo.endCursor, true);
    setLoadingMore(false);
  }, [load, pageInfo]);

  return { nodes, loading, loadingMore, error, hasMore: Boolean(pageInfo?.hasNextPage), loadMore, reload };
}
