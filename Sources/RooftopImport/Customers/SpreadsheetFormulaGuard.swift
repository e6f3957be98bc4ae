/// CSV cells a spreadsheet would run as a formula ("CSV injection", OWASP: a customer's `notes`
/// typed as `=HYPERLINK("http://…")` or `@SUM(…)` executes when the corporate office opens the
/// export in Excel or LibreOffice). The export writes such a cell with a leading `'`, which a
/// spreadsheet shows as text and does not display; the import takes the `'` off again, so
/// export → import stays lossless.
///
/// - A cell is guarded when it starts with `=`, `@`, a tab or a carriage return, or with `+` or
///   `-` and is not a plain number (`+13125550101` and `-12.5` are numbers to a spreadsheet, not
///   formulas, and stay as they are).
/// - A cell that starts with `'` followed by a character that would be guarded, or by another
///   `'`, gets one more `'`: the import removes exactly one, so `'=x` survives the round trip.
/// - The import removes a leading `'` only before those characters: `'Tis Motors` from another
///   system's file stays as it is.
enum SpreadsheetFormulaGuard {
    /// `cell` as the export writes it.
    static func guarded(_ cell: String) -> String {
        guard let first = cell.utf8.first else { return cell }
        if first == UInt8(ascii: "'") {
            let rest = cell.utf8.dropFirst()
            guard let second = rest.first, second == UInt8(ascii: "'") || startsFormula(Substring(rest)) else { return cell }
            return "'" + cell
        }
        return startsFormula(Substring(cell)) ? "'" + cell : cell
    }

    /// `cell` as the import reads it: one leading `'` removed where ``guarded(_:)`` would have put it.
    static func unguarded(_ cell: String) -> String {
        guard cell.utf8.first == UInt8(ascii: "'") else { return cell }
        let rest = cell.dropFirst()
        guard let second = rest.utf8.first, second == UInt8(ascii: "'") || startsFormula(rest) else { return cell }
        return String(rest)
    }

    /// Whether a spreadsheet would read `text` as a formula.
    static func startsFormula(_ text: Substring) -> Bool {
        guard let first = text.utf8.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D: return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"): return !isPlainNumber(text.utf8.dropFirst())
        default: return false
        }
    }

    /// Digits with at most one `.` among them (at least one digit).
    static func isPlainNumber(_ bytes: Substring.UTF8View.SubSequence) -> Bool {
        var digits = 0, dots = 0
        for byte in bytes {
            if byte >= 0x30 && byte <= 0x39 { digits += 1 } else if byte == UInt8(ascii: ".") { dots += 1 } else { return false }
        }
        return digits > 0 && dots <= 1
    }
}
