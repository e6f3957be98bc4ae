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
        // ASCII text (most folded names) is compared on its UTF-8 bytes in place: the same result as
        // on its scalars, without copying either string.
        if let result = onASCIIBytes(a, b, jaroWinkler) { return result }
        return jaroWinkler(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    /// True when `a` becomes `b` by at most one substitution, insertion, deletion or transposition of
    /// adjacent characters (optimal string alignment distance ≤ 1; Damerau 1964).
    public static func withinOneEdit(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        if let result = onASCIIBytes(a, b, withinOneEdit) { return result }
        return withinOneEdit(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    /// `body` on the UTF-8 bytes of `a` and `b` when both are ASCII and stored contiguously; else nil.
    static func onASCIIBytes<R>(_ a: String, _ b: String, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R) -> R? {
        a.utf8.withContiguousStorageIfAvailable { s -> R? in
            guard s.allSatisfy({ $0 < 0x80 }) else { return nil }
            return b.utf8.withContiguousStorageIfAvailable { t -> R? in
                t.allSatisfy({ $0 < 0x80 }) ? body(s, t) : nil
            } ?? nil
        } ?? nil
    }

    static func jaroWinkler<C: RandomAccessCollection>(_ s: C, _ t: C) -> Double where C.Element: Equatable, C.Index == Int {
        guard !s.isEmpty, !t.isEmpty else { return 0 }
        let sBase = s.startIndex, tBase = t.startIndex
        let window = max(0, max(s.count, t.count) / 2 - 1)
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: s.count + t.count) { matched in
            matched.initialize(repeating: false)
            let tOffset = s.count
            var matches = 0
            for i in 0..<s.count {
                let low = max(0, i - window), high = min(t.count - 1, i + window)
                guard low <= high else { continue }
                for j in low...high where !matched[tOffset + j] && s[sBase + i] == t[tBase + j] {
                    matched[i] = true
                    matched[tOffset + j] = true
                    matches += 1
                    break
                }
            }
            guard matches > 0 else { return 0 }
            var transpositions = 0
            var j = 0
            for i in 0..<s.count where matched[i] {
                while !matched[tOffset + j] { j += 1 }
                if s[sBase + i] != t[tBase + j] { transpositions += 1 }
                j += 1
            }
            let m = Double(matches)
            let jaro = (m / Double(s.count) + m / Double(t.count) + (m - Double(transpositions / 2)) / m) / 3
            var prefix = 0
            while prefix < min(4, s.count, t.count) && s[sBase + prefix] == t[tBase + prefix] { prefix += 1 }
            return jaro + Double(prefix) * 0.1 * (1 - jaro)
        }
    }

    static func withinOneEdit<C: RandomAccessCollection>(_ x: C, _ y: C) -> Bool where C.Element: Equatable, C.Index == Int {
        let xBase = x.startIndex, yBase = y.startIndex
        if x.count == y.count {
            var first = -1, second = -1, differing = 0
            for k in 0..<x.count where x[xBase + k] != y[yBase + k] {
                differing += 1
                if differing > 2 { return false }
                if first < 0 { first = k } else { second = k }
            }
            if differing <= 1 { return true }
            return second == first + 1 && x[xBase + first] == y[yBase + second] && x[xBase + second] == y[yBase + first]
        }
        let xShorter = x.count < y.count
        let shortCount = min(x.count, y.count), longCount = max(x.count, y.count)
        guard longCount == shortCount + 1 else { return false }
        func short(_ k: Int) -> C.Element { xShorter ? x[xBase + k] : y[yBase + k] }
        func long(_ k: Int) -> C.Element { xShorter ? y[yBase + k] : x[xBase + k] }
        var i = 0
        while i < shortCount && short(i) == long(i) { i += 1 }
        while i < shortCount {
            if short(i) != long(i + 1) { return false }
            i += 1
        }
        return true
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
