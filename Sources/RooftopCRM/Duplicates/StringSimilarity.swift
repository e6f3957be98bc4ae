/// String comparators of record linkage, on folded text (``MatchKeys``).
///
/// Sources: Jaro, "Advances in record-linkage methodology as applied to matching the 1985 census of
/// Tampa, Florida", JASA 84 (1989); Winkler, "String comparator metrics and enhanced decision rules in
/// the Fellegi–Sunter model of record linkage", Proc. Section on Survey Research Methods, ASA (1990).
public enum StringSimilarity {
    /// The Jaro–Winkler similarity: 1 for equal strings, 0 for strings with nothing in common.
    /// The prefix bonus is 0.1 per common leading character, at most 4, as Winkler proposed.
    /// - Returns: a value in 0...1; 0 when either string is empty.
    public static func jaroWinkler(_ a: String, _ b: String) -> Double {
        if a == b { return a.isEmpty ? 0 : 1 }
        let s = Array(a.unicodeScalars), t = Array(b.unicodeScalars)
        guard !s.isEmpty, !t.isEmpty else { return 0 }
        let window = max(0, max(s.count, t.count) / 2 - 1)
        var sMatched = [Bool](repeating: false, count: s.count)
        var tMatched = [Bool](repeating: false, count: t.count)
        var matches = 0
        for i in s.indices {
            let low = max(0, i - window), high = min(t.count - 1, i + window)
            guard low <= high else { continue }
            for j in low...high where !tMatched[j] && s[i] == t[j] {
                sMatched[i] = true
                tMatched[j] = true
                matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var transpositions = 0
        var j = 0
        for i in s.indices where sMatched[i] {
            while !tMatched[j] { j += 1 }
            if s[i] != t[j] { transpositions += 1 }
            j += 1
        }
        let m = Double(matches)
        let jaro = (m / Double(s.count) + m / Double(t.count) + (m - Double(transpositions / 2)) / m) / 3
        var prefix = 0
        while prefix < min(4, s.count, t.count) && s[prefix] == t[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    /// True when `a` becomes `b` by at most one substitution, insertion, deletion or transposition of
    /// adjacent characters (optimal string alignment distance ≤ 1; Damerau 1964).
    public static func withinOneEdit(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.count == y.count {
            let differing = x.indices.filter { x[$0] != y[$0] }
            if differing.count == 1 { return true }
            return differing.count == 2 && differing[1] == differing[0] + 1 && x[differing[0]] == y[differing[1]] && x[differing[1]] == y[differing[0]]
        }
        let (short, long) = x.count < y.count ? (x, y) : (y, x)
        guard long.count == short.count + 1 else { return false }
        var i = 0
        while i < short.count && short[i] == long[i] { i += 1 }
        return short[i...] == long[(i + 1)...]
    }

    /// American Soundex (US National Archives, "The Soundex Indexing System", 2007): the first letter
    /// and three digits for the consonant groups that follow; H and W do not separate equal codes.
    /// - Parameter folded: folded text (`a`–`z`; other characters are skipped).
    /// - Returns: a 4-character code such as `r163`, or nil when the text has no letter.
    public static func soundex(_ folded: String) -> String? {
        let letters = folded.unicodeScalars.filter { $0.value >= 0x61 && $0.value <= 0x7A }
        guard let first = letters.first else { return nil }
        var code = String(first)
        var previous = soundexDigit(first)
        for letter in letters.dropFirst() {
            let digit = soundexDigit(letter)
            if digit != 0 && digit != previous { code.append(Character(String(digit))) }
            if code.count == 4 { break }
            if letter != "h" && letter != "w" { previous = digit }
        }
        while code.count < 4 { code.append("0") }
        return code
    }

    private static func soundexDigit(_ letter: Unicode.Scalar) -> Int {
        switch letter {
        case "b", "f", "p", "v": 1
        case "c", "g", "j", "k", "q", "s", "x", "z": 2
        case "d", "t": 3
        case "l": 4
        case "m", "n": 5
        case "r": 6
        default: 0
        }
    }
}
