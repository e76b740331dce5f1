/**
 * The `page_size` and `page_token` query parameters of every paginated list, once checked against
 * the API's document, which holds their limits and default (durable-wes.overlay.yaml).
 */
export interface PageQuery {
  page_size: number;
  /** An empty one asks for the first page, like none at all. */
  page_token?: string;
}
