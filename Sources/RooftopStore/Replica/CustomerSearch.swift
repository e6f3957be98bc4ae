import Foundation
import GRDB
import GRDBSQLite
import RooftopModel
import Synchronization

/// The service-desk search box (`GET /api/crm/customers?q=`, `rooftop customer search`): one
/// query finds customers by name words, business name, city, e-mail, phone digits or VIN, ranked
/// exact before prefix before fuzzy. Every path is an index lookup (the FTS5 tables and b-tree
/// indexes of migrations `v13-customer-search-index` and `v19-phone-suffix-index`), never a table scan.
///
/// What the query looks like decides how it is read:
/// - with `@`: an e-mail, exact then as a prefix (e-mails are stored lower-case); a single word
///   without `@` is also tried as the start of an e-mail, after names;
/// - 4 or more digits and phone punctuation only: a phone, the whole number in any format (E.164),
///   else numbers ending in those digits (the last 4 or 7);
/// - one 6–17 character word of the VIN alphabet with letters and digits: a VIN, whole, by prefix,
///   or by its last 6–8 characters; when no VIN matches, as a name word;
/// - otherwise words, in any order, each of which must match a name word or a city: as a whole
///   word, as a prefix, or (4+ letters) with one typing error — a substitution, insertion,
///   deletion or transposition (optimal string alignment distance 1; Damerau 1964). Words are
///   compared folded (``TextFolding``): "munoz" finds "Muñoz".
enum CustomerSearch {
    /// Ids of visible customers matching `query`, best first, after skipping `offset`.
    static func ids(_ db: Database, query: String, limit: Int, offset: Int) throws -> [String] {
        let q = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !q.isEmpty, limit > 0 else { return [] }
        try CustomerSearchDeferral.beforeReading(db, [.customers, .vehicles])
        let wanted = offset + limit
        var tiers: [[String]]
        let digits = q.filter(\.isNumber)
        if q.contains("@") {
            tiers = try emailTiers(db, q.precomposedStringWithCanonicalMapping.lowercased(), wanted)
        } else if digits.count >= 4, q.allSatisfy({ $0.isNumber || " +-.()".contains($0) }) {
            tiers = try phoneTiers(db, q, digits: String(digits), wanted)
            // The last 6-8 characters of a VIN can be all digits (model year, plant and serial).
            if (6...8).contains(q.count), q.allSatisfy(\.isNumber) { tiers += try vinTiers(db, q, wanted) }
        } else if let vin = vinQuery(q) {
            tiers = try vinTiers(db, vin, wanted)
            // A word of letters and digits that no VIN holds may be a name ("Route66").
            if merged(tiers).isEmpty { tiers = try wordTiers(db, q, wanted) }
        } else {
            tiers = try wordTiers(db, q, wanted)
        }
        return Array(merged(tiers).dropFirst(offset).prefix(limit))
    }

    /// The tiers' ids in tier order, each once.
    static func merged(_ tiers: [[String]]) -> [String] {
        var seen = Set<String>(), ordered: [String] = []
        for tier in tiers { for id in tier where seen.insert(id).inserted { ordered.append(id) } }
        return ordered
    }

    static let visible = "c._created IS NOT NULL AND c._deleted IS NULL AND c._mergedInto IS NULL"

    // MARK: e-mail

    static func emailTiers(_ db: Database, _ email: String, _ wanted: Int) throws -> [[String]] {
        let exact = try String.fetchAll(db, sql: "SELECT c.id FROM customer c WHERE c.email = ? AND \(visible) ORDER BY c.id LIMIT ?",
                                        arguments: [email, wanted])
        // A prefix as a range of the e-mail index (LIKE would not use it).
        let prefix = try String.fetchAll(db, sql: """
            SELECT c.id FROM customer c WHERE c.email >= ? AND c.email < ? AND \(visible) ORDER BY c.email, c.id LIMIT ?
            """, arguments: [email, email + "\u{10FFFF}", wanted])
        return [exact, prefix]
    }

    // MARK: phone

    static func phoneTiers(_ db: Database, _ q: String, digits: String, _ wanted: Int) throws -> [[String]] {
        var tiers: [[String]] = []
        if digits.count >= 10, let e164 = PhoneNumber.e164(q) {
            tiers.append(try String.fetchAll(db, sql: """
                SELECT DISTINCT c.id FROM customerPhone p JOIN customer c ON c.id = p.customerId
                WHERE p.number = ? AND p._created IS NOT NULL AND p._deleted IS NULL AND \(visible) ORDER BY c.id LIMIT ?
                """, arguments: [e164, wanted]))
        }
        // Numbers ending in the digits: a range of the index on the number read backwards.
        let backwards = String(digits.suffix(15).reversed())
        tiers.append(try String.fetchAll(db.cachedStatement(sql: """
            SELECT DISTINCT c.id FROM customerPhone p JOIN customer c ON c.id = p.customerId
            WHERE \(reversedNumber) >= ? AND \(reversedNumber) < ? AND p._created IS NOT NULL AND p._deleted IS NULL AND \(visible)
            ORDER BY c.id LIMIT ?
            """), arguments: [backwards, backwards + ":", wanted]))
        return tiers
    }

    /// `customerPhone.number` (E.164, at most 16 characters) read backwards, in SQL: the expression of
    /// the index `customerPhone_reversed` (migration `v19-phone-suffix-index`); a query must use it
    /// word for word for SQLite to use the index. `+13125550101` → `10105552131+`.
    static let reversedNumber = "(" + (1...16).reversed().map { "substr(number, \($0), 1)" }.joined(separator: "||") + ")"

    // MARK: VIN

    static func vinQuery(_ q: String) -> String? {
        let upper = q.uppercased()
        guard (6...17).contains(upper.count), upper.allSatisfy({ $0.isNumber || ($0.isLetter && $0.isASCII && !"IOQ".contains($0)) }),
            upper.contains(where: \.isNumber), upper.contains(where: \.isLetter) else { return nil }
        return upper
    }

    static func vinTiers(_ db: Database, _ vin: String, _ wanted: Int) throws -> [[String]] {
        let join = """
            JOIN customerVehicle l ON l.vehicleId = v.id JOIN customer c ON c.id = l.customerId
            WHERE l._created IS NOT NULL AND l._deleted IS NULL AND v._created IS NOT NULL AND v._deleted IS NULL AND \(visible)
            """
        if vin.count == 17 {
            return [try String.fetchAll(db, sql: "SELECT DISTINCT c.id FROM vehicle v \(join) AND v.vin = ? ORDER BY c.id LIMIT ?", arguments: [vin, wanted])]
        }
        let matching = "SELECT DISTINCT c.id FROM vinSearchText t JOIN vinSearchDoc d ON d.docid = t.rowid JOIN vehicle v ON v.id = d.vehicleId \(join) AND vinSearchText MATCH ?"
        let prefix = try String.fetchAll(db, sql: matching + " AND v.vin LIKE ? ORDER BY c.id LIMIT ?", arguments: [phrase(vin), vin + "%", wanted])
        let suffix = try String.fetchAll(db, sql: matching + " AND v.vin LIKE ? ORDER BY c.id LIMIT ?", arguments: [phrase(vin), "%" + vin, wanted])
        return [prefix, suffix]
    }

    // MARK: words

    static func wordTiers(_ db: Database, _ q: String, _ wanted: Int) throws -> [[String]] {
        // Split as the index's tokenizer splits (unicode61: letters and digits; "O'Neil" is "o" and "neil").
        let words = TextFolding.fold(q).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).prefix(6).map(String.init)
        guard !words.isEmpty else { return [] }
        let exact = words.map { phrase($0) }.joined(separator: " AND ")
        let prefix = words.map { phrase($0) + "*" }.joined(separator: " AND ")
        // Later tiers rank after earlier ones: once the earlier ones fill the page, they cannot change it.
        var tiers = [try match(db, exact, wanted)]
        if merged(tiers).count >= wanted { return tiers }
        tiers.append(try match(db, prefix, wanted))
        if merged(tiers).count >= wanted { return tiers }
        // One typing error per word of 4+ letters: the index's own terms within distance 1.
        var fuzzyWords: [String] = []
        var anyTypo = false
        for word in words {
            var alternatives = [phrase(word) + "*"]
            if word.count >= 4 {
                let typos = try typoTerms(db, word)
                anyTypo = anyTypo || !typos.isEmpty
                alternatives += typos.map { phrase($0) }
            }
            fuzzyWords.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        if anyTypo { tiers.append(try match(db, fuzzyWords.joined(separator: " AND "), wanted)) }
        if merged(tiers).count >= wanted { return tiers }
        // One token that could begin an e-mail ("jose.mun"): e-mails by prefix come after the names.
        let lower = q.lowercased()
        if !lower.contains(" "), lower.count >= 3, lower.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-+".contains($0)) }) {
            tiers += try emailTiers(db, lower, wanted)
        }
        return tiers
    }

    /// The full-text expression for every word of `name` (folded, at most 6) in the `name`
    /// column, nil without a word: the duplicate check's name lookup
    /// (``StoreTransaction/namesakesWithPlaces(nameWords:limit:)``).
    static func exactNameExpression(_ name: String) -> String? {
        let words = TextFolding.fold(name).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).prefix(6).map(String.init)
        return words.isEmpty ? nil : words.map { "name : " + phrase($0) }.joined(separator: " AND ")
    }

    static func match(_ db: Database, _ expression: String, _ wanted: Int) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: """
            SELECT c.id FROM customerSearchText t JOIN customerSearchDoc d ON d.docid = t.rowid JOIN customer c ON c.id = d.customerId
            WHERE customerSearchText MATCH ? AND \(visible) ORDER BY t.rowid LIMIT ?
            """), arguments: [expression, wanted])
    }

    /// Indexed terms one edit from `word`: same first letter (people rarely mistype it), length ±1.
    static func typoTerms(_ db: Database, _ word: String) throws -> [String] {
        guard let first = word.first else { return [] }
        let terms = try indexedTerms(db, startingWith: String(first), near: word)
        return terms.filter { $0 != word && abs($0.count - word.count) <= 1 && withinOneEdit(Array($0), Array(word)) }
    }

    /// The index's terms by first letter, per replica file, with the FTS5 structure record they were
    /// read at and when (monotonic ns).
    struct Vocabulary {
        let structure: [UInt8]
        let read: UInt64
        let terms: [String]
        /// The characters beyond ASCII in `terms`: the variants of a word try them too.
        let otherLetters: Set<Character>

        init(structure: [UInt8], read: UInt64, terms: [String]) {
            self.structure = structure
            self.read = read
            self.terms = terms
            otherLetters = Set(terms.lazy.filter { !$0.utf8.allSatisfy { $0 < 0x80 } }.flatMap { $0 }.filter { !$0.isASCII })
        }
    }

    /// Reading a letter's terms from `fts5vocab` walks every term's posting list: about 19 ms for one
    /// letter, 126 ms for all 6,159 terms, at a million customers. The FTS5 structure record (`_data`
    /// row 10) changes with every write to the index; a node writing all day would read a letter again
    /// for nearly every typo query.
    static let vocabulary = Mutex<[String: [String: Vocabulary]]>([:])
    /// A letter's terms read at an older structure are kept this long (ns), then read again.
    static let vocabularyLifetime: UInt64 = 60_000_000_000

    /// The terms starting with `first` that could be one edit from `word`: the letter's cached terms
    /// while the index is unchanged. After a write, the cached terms (for at most
    /// ``vocabularyLifetime``) plus those of `word`'s one-edit variants the index holds now, looked up
    /// by key (``oneEditVariants(_:alsoWith:)``, about 1 ms): a name written since, here or applied from another
    /// rooftop, is found with a typo at once, without reading the letter again.
    static func indexedTerms(_ db: Database, startingWith first: String, near word: String) throws -> [String] {
        let (structure, file) = try indexVersion(db)
        let now = DispatchTime.now().uptimeNanoseconds
        if let cached = vocabulary.withLock({ $0[file]?[first] }) {
            if cached.structure == structure { return cached.terms }
            if now &- cached.read < vocabularyLifetime {
                // The letter's other scripts too (terms are folded Latin, or Cyrillic, Greek, ... as written).
                let variants = oneEditVariants(word, alsoWith: cached.otherLetters)
                // Within SQLite's 32,766 variables; a letter of many scripts is read again instead.
                guard variants.count <= 20_000 else { return try readTerms(db, startingWith: first, structure: structure, file: file, at: now) }
                let present = try String.fetchAll(db, sql: "SELECT term FROM customerSearchTerms WHERE term IN (\(Array(repeating: "?", count: variants.count).joined(separator: ",")))",
                                                  arguments: StatementArguments(variants))
                return cached.terms + present
            }
        }
        return try readTerms(db, startingWith: first, structure: structure, file: file, at: now)
    }

    /// The FTS5 structure record (`_data` row 10: it changes with every write to the index) and the
    /// replica file the cache keys by.
    static func indexVersion(_ db: Database) throws -> (structure: [UInt8], file: String) {
        let structure = try Data.fetchOne(db.cachedStatement(sql: "SELECT block FROM customerSearchText_data WHERE id = 10")).map { [UInt8]($0) } ?? []
        return (structure, sqlite3_db_filename(db.sqliteConnection, "main").map { String(cString: $0) } ?? "")
    }

    static func readTerms(_ db: Database, startingWith first: String, structure: [UInt8], file: String, at now: UInt64) throws -> [String] {
        let terms = try String.fetchAll(db.cachedStatement(sql: "SELECT term FROM customerSearchTerms WHERE term >= ? AND term < ?"),
                                        arguments: [first, first + "\u{10FFFF}"])
        vocabulary.withLock { $0[file, default: [:]][first] = Vocabulary(structure: structure, read: now, terms: terms) }
        return terms
    }

    /// Reads every letter's terms into the cache (about 0.13 s at a million customers): a node does it
    /// when it starts, so its first typo queries do not each read a letter.
    static func warmVocabulary(_ db: Database) throws {
        let (structure, file) = try indexVersion(db)
        let terms = try String.fetchAll(db, sql: "SELECT term FROM customerSearchTerms")
        let now = DispatchTime.now().uptimeNanoseconds
        let byLetter = Dictionary(grouping: terms) { $0.first.map(String.init) ?? "" }
        vocabulary.withLock { cache in
            for (letter, terms) in byLetter where !letter.isEmpty { cache[file, default: [:]][letter] = Vocabulary(structure: structure, read: now, terms: terms) }
        }
    }

    /// `word`'s variants one edit away that keep its first letter: each later character deleted,
    /// swapped with the next, replaced, or a character inserted after the first — with the letters
    /// a–z, the digits, `word`'s own characters and `others` (the index's terms are folded: Latin
    /// letters lose their accents; other scripts stay as written).
    static func oneEditVariants(_ word: String, alsoWith others: Set<Character> = []) -> [String] {
        let chars = Array(word)
        guard (2...24).contains(chars.count) else { return [] }  // about 75 variants a character
        let alphabet = Set(Array("abcdefghijklmnopqrstuvwxyz0123456789") + chars).union(others).sorted()
        var variants = Set<String>()
        for i in 1...chars.count {
            if i < chars.count { variants.insert(String(chars[..<i] + chars[(i + 1)...])) }
            if i + 1 < chars.count { variants.insert(String(chars[..<i] + [chars[i + 1], chars[i]] + chars[(i + 2)...])) }
            for c in alphabet {
                if i < chars.count { variants.insert(String(chars[..<i] + [c] + chars[(i + 1)...])) }
                variants.insert(String(chars[..<i] + [c] + chars[i...]))
            }
        }
        variants.remove(word)
        return variants.sorted()
    }

    /// True when `a` becomes `b` by one substitution, insertion, deletion or transposition of
    /// adjacent characters (optimal string alignment distance ≤ 1).
    static func withinOneEdit(_ a: [Character], _ b: [Character]) -> Bool {
        if a == b { return true }
        if a.count == b.count {
            let differing = a.indices.filter { a[$0] != b[$0] }
            if differing.count == 1 { return true }
            return differing.count == 2 && differing[1] == differing[0] + 1 && a[differing[0]] == b[differing[1]] && a[differing[1]] == b[differing[0]]
        }
        let (short, long) = a.count < b.count ? (a, b) : (b, a)
        guard long.count == short.count + 1 else { return false }
        var i = 0
        while i < short.count && short[i] == long[i] { i += 1 }
        return short[i...] == long[(i + 1)...]
    }

    /// An FTS5 string (a phrase): the text in double quotes, quotes doubled, so nothing staff type
    /// is read as query syntax.
    static func phrase(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
