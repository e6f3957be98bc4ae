import GRDB
import RooftopModel
import RooftopReplication

extension Replica {
    /// Finds customers by name words, business name, city, e-mail, phone digits or VIN, ranked
    /// exact before prefix before fuzzy (``CustomerSearch``: every path an index lookup).
    /// - Parameters:
    ///   - query: what staff typed; surrounding space ignored.
    ///   - limit: at most this many results (1...500).
    ///   - offset: results to skip (the pages before).
    /// - Returns: matching visible customers, best first, read to be shown (``CustomerRecord/stampsRead`` false).
    public func searchCustomers(_ query: String, limit: Int = 50, offset: Int = 0) throws -> [CustomerRecord] {
        try pool.read { db in
            try Self.customerRecords(db, ids: CustomerSearch.ids(db, query: query, limit: limit, offset: offset).compactMap(RowID.init), stamps: false)
        }
    }

    /// Reads the search index's terms into the typo tier's cache (about 0.13 s at a million
    /// customers), so the first typo queries after a start do not each read them: a node calls it
    /// when it starts.
    /// - Throws: database errors (the cache is left as it was).
    public func warmSearchVocabulary() throws {
        try pool.read { db in try CustomerSearch.warmVocabulary(db) }
    }

    /// Ids of visible customers a name search finds (name words, prefix, one typo), best first:
    /// the candidates of a duplicate check on create.
    public func customerIDs(matchingName name: String, limit: Int) throws -> [RowID] {
        try pool.read { db in try CustomerSearch.ids(db, query: name, limit: limit, offset: 0).compactMap(RowID.init) }
    }

    static func likePrefix(_ text: String) -> String {
        var escaped = ""
        for ch in text {
            if ch == "%" || ch == "_" || ch == "\\" { escaped.append("\\") }
            escaped.append(ch)
        }
        return escaped + "%"
    }
}

extension Replica {
    /// Ids of visible customers whose e-mail equals `email` (already normalised), oldest first.
    public func customerIDs(withEmail email: String) throws -> [RowID] { try snapshot { try $0.customerIDs(withEmail: email) } }

    /// Ids of visible customers with a phone equal to `number` (E.164), oldest first.
    public func customerIDs(withPhone number: String) throws -> [RowID] { try snapshot { try $0.customerIDs(withPhone: number) } }
}

extension StoreTransaction {
    /// Ids of visible customers whose e-mail is `email` (normalised), oldest first.
    public func customerIDs(withEmail email: String) throws -> [RowID] {
        try cachedStrings("SELECT id FROM customer WHERE _created IS NOT NULL AND _deleted IS NULL AND _mergedInto IS NULL AND email = ? ORDER BY id", arguments: [.text(email)])
            .compactMap(RowID.init)
    }

    /// Ids of visible customers a name search finds, best first (``Replica/customerIDs(matchingName:limit:)``).
    public func customerIDs(matchingName name: String, limit: Int) throws -> [RowID] {
        try CustomerSearch.ids(db, query: name, limit: limit, offset: 0).compactMap(RowID.init)
    }

    /// Ids of visible customers with a phone equal to `number` (E.164), oldest first.
    public func customerIDs(withPhone number: String) throws -> [RowID] {
        try cachedStrings("""
            SELECT DISTINCT c.id FROM customerPhone p JOIN customer c ON c.id = p.customerId
            WHERE p._created IS NOT NULL AND p._deleted IS NULL AND c._created IS NOT NULL AND c._deleted IS NULL AND c._mergedInto IS NULL AND p.number = ? ORDER BY c.id
            """, arguments: [.text(number)]).compactMap(RowID.init)
    }
}

/// A customer's name as stored: what the duplicate check compares before it loads a candidate whole.
public struct StoredCustomerName: Sendable, Hashable {
    /// The customer's id (canonical UUID text).
    public var id: String
    /// `Individual` or `Business`, as stored.
    public var contactType: String?
    /// The names as stored (accents and case kept; nil when empty).
    public var firstName: String?
    public var lastName: String?
    public var businessName: String?
}

extension StoreTransaction {
    /// Visible customers born on `birthDate` (`YYYY-MM-DD`), at most `limit`, in id order: an
    /// index lookup (`customer_birthDate`, migration `v18-duplicate-check-keys`).
    /// - Throws: database errors.
    public func customerNames(bornOn birthDate: String, limit: Int) throws -> [StoredCustomerName] {
        try cachedValues("""
            SELECT id, contactType, firstName, lastName, businessName FROM customer
            WHERE birthDate = ? AND _created IS NOT NULL AND _deleted IS NULL AND _mergedInto IS NULL ORDER BY id LIMIT ?
            """, arguments: [.text(birthDate), .integer(Int64(limit))]).compactMap(Self.storedName)
    }

    /// Visible customers with a visible address at one of `postalCodes` whose street line starts
    /// with `streetPrefix` (case-insensitive: the house number and a space, `"12 "`), at most
    /// `limit`: an index lookup (`customerAddress_place`, migration `v18-duplicate-check-keys`).
    /// - Throws: database errors.
    public func customerNames(atPostalCodes postalCodes: [String], streetStartingWith streetPrefix: String, limit: Int) throws -> [StoredCustomerName] {
        guard !postalCodes.isEmpty, !streetPrefix.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: postalCodes.count).joined(separator: ",")
        // Under NOCASE, every street that begins with the prefix: [prefix, the prefix with its last
        // character's successor) — the prefix ends in a space, whose successor is "!".
        return try cachedValues("""
            SELECT DISTINCT c.id, c.contactType, c.firstName, c.lastName, c.businessName FROM customerAddress a JOIN customer c ON c.id = a.customerId
            WHERE a.postalCode IN (\(marks)) AND a.street COLLATE NOCASE >= ? AND a.street COLLATE NOCASE < ?
              AND a._created IS NOT NULL AND a._deleted IS NULL AND c._created IS NOT NULL AND c._deleted IS NULL AND c._mergedInto IS NULL
            ORDER BY c.id LIMIT ?
            """, arguments: postalCodes.map(FieldValue.text) + [.text(streetPrefix), .text(Self.successor(of: streetPrefix)), .integer(Int64(limit))])
            .compactMap(Self.storedName)
    }

    /// The least string greater than every string that starts with `prefix` (its last scalar
    /// incremented; `"12 "` → `"12!"`).
    static func successor(of prefix: String) -> String {
        guard let last = prefix.unicodeScalars.last, let next = Unicode.Scalar(last.value + 1) else { return prefix + "\u{10FFFF}" }
        return String(prefix.unicodeScalars.dropLast()) + String(next)
    }

    static func storedName(_ row: [FieldValue]) -> StoredCustomerName? {
        guard let id = row[0].textValue else { return nil }
        return StoredCustomerName(id: id, contactType: row[1].textValue, firstName: row[2].textValue, lastName: row[3].textValue,
                                  businessName: row[4].textValue)
    }
}

extension StoreTransaction {
    /// A namesake's birth date, e-mail and one visible address (nil street, city and postal code
    /// when it has none): what the duplicate check reads of a customer before it loads it whole.
    public typealias NamesakePlace = (id: String, birthDate: String?, email: String?, street: String?, city: String?, postalCode: String?)

    /// The visible customers whose name has every word of `name` exactly (folded: case, accents; no
    /// prefix or typo tier), at most `limit`, in index order, each with its birth date, e-mail and each
    /// visible address, one row per address (nil street, city and postal code without one): the
    /// duplicate check's name lookup and its read of the namesakes in one query (each customer row
    /// is read once).
    /// - Throws: database errors.
    public func namesakesWithPlaces(nameWords name: String, limit: Int) throws -> [NamesakePlace] {
        guard let expression = CustomerSearch.exactNameExpression(name), limit > 0 else { return [] }
        try CustomerSearchDeferral.beforeReading(db, [.customers])
        return try cachedValues("""
            SELECT n.id, n.birthDate, n.email, a.street, a.city, a.postalCode FROM (
              SELECT c.id, c.birthDate, c.email, t.rowid AS docid FROM customerSearchText t
              JOIN customerSearchDoc d ON d.docid = t.rowid JOIN customer c ON c.id = d.customerId
              WHERE customerSearchText MATCH ? AND \(CustomerSearch.visible) ORDER BY t.rowid LIMIT ?) n
            LEFT JOIN customerAddress a ON a.customerId = n.id AND a._created IS NOT NULL AND a._deleted IS NULL
            ORDER BY n.docid
            """, arguments: [.text(expression), .integer(Int64(limit))]).compactMap { row in
            row[0].textValue.map { ($0, row[1].textValue, row[2].textValue, row[3].textValue, row[4].textValue, row[5].textValue) }
        }
    }
}
