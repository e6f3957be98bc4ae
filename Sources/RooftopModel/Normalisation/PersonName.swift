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

    /// Splits a `part="full"` name: the last word is the last name, the rest the first name; `Smith, John`
    /// is the surname first; a leading title (`Dr.`) and a trailing suffix (`Jr.`) are dropped.
    /// - Returns: (first, last); first is nil for a one-word name.
    public static func split(full: String) -> (first: String?, last: String?) {
        // "Smith, John": the surname first, as many lists write it.
        let parts = full.split(separator: ",", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if parts.count == 2, !suffixes.contains(parts[1].lowercased().replacingOccurrences(of: ".", with: "")) {
            return (parts[1], parts[0])
        }
        var words = full.replacingOccurrences(of: ",", with: " ").split(whereSeparator: \.isWhitespace).map(String.init)
        // "… García-López Jr.": a generational suffix is not the surname; titles are not the given name.
        if words.count > 2, let last = words.last, suffixes.contains(last.lowercased().replacingOccurrences(of: ".", with: "")) { words.removeLast() }
        if words.count > 2, let first = words.first, titles.contains(first.lowercased().replacingOccurrences(of: ".", with: "")) { words.removeFirst() }
        guard let last = words.last else { return (nil, nil) }
        let first = words.dropLast().joined(separator: " ")
        return (first.isEmpty ? nil : first, last)
    }

    static let suffixes: Set<String> = ["jr", "sr", "ii", "iii", "iv", "v", "phd", "md", "esq"]
    static let titles: Set<String> = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sr", "sra", "srta"]
}
