import Foundation
import RooftopModel
import RooftopStore
import SwiftCSV
import RooftopCRM

/// Imports FEBRL person records (Christen et al., "Febrl – Freely Extensible Biomedical Record
/// Linkage", ANU) as customers: `given_name`, `surname`, birth date and one Australian home
/// address (`city` = suburb, `country` = AU).
///
/// Ids derive from `rec_id`, so importing the file again changes nothing. `soc_sec_id` is
/// sensitive and is not imported in this release.
/// The whole file is one transaction: all valid rows or none.
public enum FEBRLImporter {
    /// The columns a FEBRL file must have.
    public static let requiredColumns = ["rec_id", "given_name", "surname", "street_number", "address_1", "address_2",
                                         "suburb", "postcode", "state", "date_of_birth"]

    /// Imports a FEBRL CSV file.
    /// - Returns: the report; rows without any name are listed in ``ImportReport/rejected`` with
    ///   their line number and skipped, and an invalid birth date is left empty.
    /// - Throws: ``FEBRLError`` when the file is not CSV or lacks a column (nothing imported);
    ///   database errors (nothing imported).
    public static func importFile(_ text: String, into replica: Replica) throws -> ImportReport {
        let csv: EnumeratedCSV
        do { csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false) } catch {
            throw FEBRLError(message: "not a CSV file")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces) }
        var column: [String: Int] = [:]
        for (i, name) in header.enumerated() { column[name] = i }
        let missing = requiredColumns.filter { column[$0] == nil }
        guard missing.isEmpty else { throw FEBRLError(message: "missing column(s) \(missing.joined(separator: ", "))") }

        var report = ImportReport()
        var writes: [LocalWrite] = []
        for (index, row) in csv.rows.enumerated() {
            let line = index + 2
            func value(_ name: String) -> String? {
                guard let i = column[name], i < row.count else { return nil }
                let v = row[i].trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            guard let recID = value("rec_id") else {
                report.rejected.append("line \(line): no rec_id")
                continue
            }
            let first = value("given_name").flatMap(PersonName.tidy)
            let last = value("surname").flatMap(PersonName.tidy)
            guard first != nil || last != nil else {
                report.rejected.append("line \(line): no given_name or surname")
                continue
            }
            let id = StableID.make("febrl:\(recID)")
            if try replica.isKnown(CRMSchema.customer, id: id) {
                report.alreadyImported += 1
                continue
            }
            var fields: [String: FieldValue] = ["contactType": .text("Individual"), "status": .text("Active")]
            fields["firstName"] = first.map(FieldValue.text)
            fields["lastName"] = last.map(FieldValue.text)
            if let dob = value("date_of_birth"), dob.count == 8 {
                let iso = "\(dob.prefix(4))-\(dob.dropFirst(4).prefix(2))-\(dob.suffix(2))"
                fields["birthDate"] = Timestamp.normaliseDate(iso).map(FieldValue.text)
            }
            let street = [value("street_number"), value("address_1")].compactMap { $0 }.joined(separator: " ")
            let streetLines = [street.isEmpty ? nil : street, value("address_2")].compactMap { $0 }.map { PersonName.tidy($0) ?? $0 }
            var address: [String: FieldValue] = ["type": .text("Home"), "country": .text("AU"), "primary": .bool(true)]
            address["street"] = streetLines.isEmpty ? nil : .text(streetLines.joined(separator: ", "))
            address["city"] = value("suburb").flatMap(PersonName.tidy).map(FieldValue.text)
            address["state"] = value("state").map { FieldValue.text($0.uppercased()) }
            address["postalCode"] = value("postcode").map(FieldValue.text)
            let hasAddress = address["street"] != nil || address["city"] != nil || address["postalCode"] != nil
            let input = CustomerInput(fields: fields, phones: [],
                                      addresses: hasAddress ? [ChildInput(id: StableID.make("febrl:\(recID):address"), fields: address)] : [])
            writes += try CRMService(replica: replica).customerCreationWrites(input, id: id)
            report.customersCreated += 1
        }
        try replica.write(writes)
        return report
    }
}

/// A FEBRL file cannot be imported; nothing from it is imported.
public struct FEBRLError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
