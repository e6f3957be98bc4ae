/// Tidies names typed in one case (`DANA`, `eli example`) as lead providers and old systems send
/// them. Mixed-case input is kept as typed (`McDonald`, `van der Berg`).
public enum PersonName {
    /// - Returns: the trimmed name; capitalised word by word when it was all upper or all lower
    ///   case; nil when empty.
    public static func tidy(_ input: String) -> String? {
        let trimmed = input.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !trimmed.isEmpty else { return nil }
        guard trimmed == trimmed.uppercased() || trimmed == trimmed.lowercased() else {
            return trimmed.precomposedStringWithCanonicalMapping
        }
        var result = ""
        var capitaliseNext = true
        var wordLength = 0
        for ch in trimmed.lowercased() {
            // `uppercased()` may give several characters (ß → SS): append a String, not a Character.
            if capitaliseNext { result += String(ch).uppercased() } else { result.append(ch) }
            wordLength = (ch == " " || ch == "-") ? 0 : wordLength + 1
            // A new word after space or hyphen; after an apostrophe only in O'Brien / D'Angelo.
            capitaliseNext = ch == " " || ch == "-" || (ch == "'" && wordLength == 2)
        }
        return result.precomposedStringWithCanonicalMapping
    }

    /// Splits a `part="full"` name: the last word is the last name, the rest the first name.
    /// - Returns: (first, last); first is nil for a one-word name.
    public static func split(full: String) -> (first: String?, last: String?) {
        let words = full.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let last = words.last else { return (nil, nil) }
        let first = words.dropLast().joined(separator: " ")
        return (first.isEmpty ? nil : first, last)
    }
}
