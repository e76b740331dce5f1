/** The `page_size` and `page_token` query parameters of every paginated list, as the API's document declares them. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Checked against the document: page_size is an integer in range, or the default. */
export interface PageQuery {
  page_size: number;
  /** An empty one asks for the first page, like none at all. */
  page_token?: string;
}
