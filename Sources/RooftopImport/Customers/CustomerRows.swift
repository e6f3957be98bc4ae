import Crypto
import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// The formats `rooftop import customers` reads and `rooftop export customers` writes.
public enum CustomerFileFormat: String, CaseIterable, Sendable {
    /// RFC 4180 CSV with a header row: one phone and one address per customer
    /// (``CSVCustomerRows``, ``CustomerExporter/columns``).
    case csv
    /// JSON Lines (<https://jsonlines.org>): one design-document `Customer` object per line, as
    /// `GET /api/crm/customers/{id}` answers it: every field, phone, address and tag
    /// (``JSONLinesCustomerRows``).
    case jsonl

    /// The format a file's name implies: `jsonl` for `.jsonl`, `.ndjson` and `.json`, else `csv`.
    public static func implied(byPath path: String) -> CustomerFileFormat {
        ["jsonl", "ndjson", "json"].contains(URL(fileURLWithPath: path).pathExtension.lowercased()) ? .jsonl : .csv
    }
}

/// What one data line of an import file holds.
enum CustomerRow {
    /// Nothing to import and nothing wrong (an empty line).
    case blank
    /// A valid customer and the id it is written with: its own (`ownID`: the row names the customer's
    /// id itself, a Rooftop export: a customer record, restored as it is, not a new contact the duplicate
    /// check attaches to another); else, when `keyed` by the source system's `externalId` (CSV), a new
    /// UUIDv7 that the import's ledger maps the key to once the row is written (``ExternalKey/keyID``);
    /// else derived from the row's content (rerunning the file gives the same id).
    case customer(RowID, CustomerInput, ownID: Bool, keyed: ExternalKey? = nil)
    /// Not importable: the first bad value's JSON Pointer (empty for the whole line) and reason.
    case rejected(FieldInputError)
}

/// A row keyed by its source system's `externalId` (CSV). The key, with the `--external-system`
/// naming that system and the importing rooftop, gives ``keyID``: the ledger of imported rows maps it
/// to the customer made of the row, so a rerun here finds that customer (`sync-protocol/import-ids.md`);
/// `contentHash` (SHA-256 of the row's fields, 32 bytes) tells the same row again from another record
/// under the same key, such as another system numbering its customers the same way.
struct ExternalKey: Equatable {
    let externalId: String
    /// The system named for the file's keys (``CustomerImporter/externalSystem``), or nil.
    let system: String?
    /// The UUIDv8 of the key (``CSVCustomerRows/key(externalId:system:rooftop:)``): the ledger's key,
    /// and the customer's own id when an import before migration v25 made it.
    let keyID: RowID
    let contentHash: Data
    /// The id the key gave before the rooftop was part of it: the row's customer when this
    /// rooftop's ledger of imported rows holds it (derived when asked: only a row whose key is
    /// not in the ledger needs it).
    var earlierID: RowID { StableID.make(CSVCustomerRows.earlierKey(externalId: externalId, system: system)) }

    /// The key of `externalId` under `system` at `rooftop` (``CSVCustomerRows/key(externalId:system:rooftop:)``),
    /// and the hash of its row.
    init(externalId: String, system: String?, rooftop: String, contentHash: Data) {
        self.externalId = externalId
        self.system = system
        keyID = StableID.make(CSVCustomerRows.key(externalId: externalId, system: system, rooftop: rooftop))
        self.contentHash = contentHash
    }
}

extension CustomerRow {
    /// What tells two rows of a file apart as customers: a keyed row's ``ExternalKey/keyID``, else its id.
    static func identity(_ id: RowID, _ keyed: ExternalKey?) -> RowID { keyed?.keyID ?? id }
}

/// One pass over an import file: its data rows in order, in constant memory.
protocol CustomerRowSource {
    /// Data rows read so far.
    var rows: Int { get }
    /// The file's line number of the row returned last (a CSV's header is line 1).
    var line: Int { get }
    /// Columns no field reads (CSV), for the report.
    var ignoredColumns: [String] { get }
    /// The next data row, or nil at the end (or when the input failed: ``checkEnd(importing:)``).
    mutating func next() -> CustomerRow?
    /// Throws when the input failed before its end.
    /// - Parameter importing: whether this pass imports (the message says the lines before were imported).
    func checkEnd(importing: Bool) throws
    /// The customer as a row of this source would describe it, only the fields this source reads
    /// (a CSV's mapped columns), or nil: to tell a row edited since its export from the same row
    /// again (``ImportReport/differing``). A value of the source's settings only (never its reader),
    /// so the import's writer thread calls it while another thread reads rows (``ReadAhead``).
    var storedInput: @Sendable (CustomerRecord) -> CustomerInput? { get }
}

extension FieldInputError {
    /// `line N: /pointer: reason` (no pointer for a whole line).
    func reported(line: Int) -> String {
        pointer.isEmpty ? "line \(line): \(reason)" : "line \(line): \(pointer): \(reason)"
    }
}

/// A file's `homeRooftop` (an export's: the rooftop the customer belongs to), kept on import so that
/// a restored customer is restored as it was; nil (the importing rooftop) when the file has none.
/// - Throws: ``FieldInputError`` at `/homeRooftop` when it is not a rooftop id (1–63 of `a-z`, `0-9`, `-`).
func homeRooftopField(_ text: String?) throws(FieldInputError) -> FieldValue? {
    guard let text, !text.isEmpty else { return nil }
    guard let rooftop = RooftopID(rawValue: text) else {
        throw FieldInputError(pointer: "/homeRooftop", reason: "expected a rooftop id (1-63 of a-z, 0-9 and -)")
    }
    return .text(rooftop.rawValue)
}

extension CustomerInput {
    /// SHA-256 (32 bytes) of the customer a row describes, as it would be stored (E.164 phone, e-mail as
    /// normalised, dates): the values by field name, the phone's and the address's, the tags. Column
    /// order, unmapped columns and how a value was typed (`312-555-0101`, `+13125550101`) aside.
    var contentHash: Data {
        func text(_ fields: [String: FieldValue]) -> String {
            fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
        }
        let parts = [text(fields)] + (phones ?? []).map { "phone:" + text($0.fields) }
            + (addresses ?? []).map { "address:" + text($0.fields) } + ["tags:" + (tags ?? []).joined(separator: "\u{1F}")]
        return Data(SHA256.hash(data: Array(parts.joined(separator: "\u{1E}").utf8)))
    }
}
