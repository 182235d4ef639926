// CSV rules shared by the server's exports and the browser's table downloads (pure).

/**
 * Cells a spreadsheet would run as a formula, for papaparse's `escapeFormulae`. `+` or `-`
 * followed by a number only (a phone number, a signed amount) is data, not a formula.
 */
export const CSV_FORMULA = /^(?:[=@\t\r]|[+-](?![\d\s().]*$))/;
