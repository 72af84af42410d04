// The budgets route is typed as free-form rows in the OpenAPI document; these are its columns.
export interface Budget {
  fiscal_year: number;
  category_account: string;
  amount_fen: number;
  spent_fen: number;
  reserved_fen: number;
  policy: string;
}
