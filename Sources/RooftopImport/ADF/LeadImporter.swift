import Foundation
import RooftopModel
import RooftopStore
import RooftopCRM

/// Writes ADF leads into a replica: each lead becomes a prospect customer (or is attached to the
/// customer with the same e-mail or phone), an inbound Web interaction, and its vehicles.
///
/// Ids are derived from the lead, so importing the same document again changes nothing.
/// One document is one transaction: all of it or none.
public enum LeadImporter {
    /// Parses and imports one ADF document.
    /// - Throws: ``ADFError`` when the document is invalid (nothing imported); ``ReplicaError``
    ///   or a database error when writing fails (nothing imported).
    public static func importDocument(_ data: Data, into replica: Replica) throws -> ImportReport {
        try importLeads(try ADFParser.parse(data), into: replica)
    }

    /// Imports parsed leads in one transaction: the lookups of existing customers and the writes
    /// are atomic, so two imports at once cannot both miss a customer and create it twice.
    public static func importLeads(_ leads: [ADFLead], into replica: Replica) throws -> ImportReport {
        let model = try CRMService(replica: replica).duplicateModel()
        return try replica.transaction { tx in try importLeads(leads, model: model, tx) }
    }

    static func importLeads(_ leads: [ADFLead], model: MatchModel, _ tx: StoreTransaction) throws -> ImportReport {
        let replica = tx.replica
        var report = ImportReport()
        var writes: [LocalWrite] = []
        var pendingByKey: [String: RowID] = [:]  // customers created earlier in this document
        for lead in leads {
            let key = "adf:\(lead.leadID ?? "")|\(lead.requestDate)|\(lead.status)|\(lead.contact.email ?? "")|\(lead.contact.phones.map(\.number).joined(separator: ","))"
            let interactionID = StableID.make(key + "|interaction")
            if try tx.isKnown(CRMSchema.customerInteraction, id: interactionID) {
                report.alreadyImported += 1
                continue
            }
            let matchKeys = ([lead.contact.email].compactMap { $0 }.map { "email:\($0)" }) + lead.contact.phones.map { "phone:\($0.number)" }
            var customerID = matchKeys.lazy.compactMap { pendingByKey[$0] }.first
            if customerID == nil { customerID = try existingCustomer(for: lead.contact, tx) }
            // Otherwise a customer the lead confidently duplicates (name with address or birth date).
            if customerID == nil {
                customerID = try CRMService.duplicates(of: customerInput(lead.contact), model: model, tx).first(where: \.isConfident)
                    .flatMap { RowID($0.customerId) }
            }
            if let customerID {
                report.customersMatched += 1
                writes += try fillWrites(for: lead.contact, customer: customerID, tx, pendingWrites: writes)
            } else {
                let newID = StableID.make(key + "|customer")
                writes += try CRMService(replica: replica).customerCreationWrites(customerInput(lead.contact), id: newID)
                report.customersCreated += 1
                customerID = newID
            }
            let customer = customerID!
            for k in matchKeys { pendingByKey[k] = customer }
            var firstInterest: RowID?
            for (i, vehicle) in lead.vehiclesOfInterest.enumerated() {
                let id = StableID.make(key + "|interest|\(i)")
                firstInterest = firstInterest ?? id
                writes.append(LocalWrite(.insert, CRMSchema.vehicle, id: id, values: vehicleFields(vehicle)))
                report.vehicles += 1
            }
            for (i, vehicle) in lead.ownedVehicles.enumerated() {
                let id = StableID.make(key + "|owned|\(i)")
                writes.append(LocalWrite(.insert, CRMSchema.vehicle, id: id, values: vehicleFields(vehicle)))
                writes.append(LocalWrite(.insert, CRMSchema.customerVehicle, id: StableID.make(key + "|ownership|\(i)"), values: [
                    "customerId": .text(customer.string), "vehicleId": .text(id.string), "relationshipType": .text("Owner"),
                    "status": .text("Active"), "isCurrentVehicle": .bool(true),
                ]))
                report.vehicles += 1
            }
            writes.append(LocalWrite(.insert, CRMSchema.customerInteraction, id: interactionID,
                                     values: interactionFields(lead, customer: customer, relatedVehicle: firstInterest)))
            report.interactions += 1
        }
        try tx.write(writes)
        return report
    }

    static func existingCustomer(for contact: ADFLead.Contact, _ tx: StoreTransaction) throws -> RowID? {
        if let email = contact.email, let id = try tx.customerIDs(withEmail: email).first { return id }
        for phone in contact.phones {
            if let id = try tx.customerIDs(withPhone: phone.number).first { return id }
        }
        return nil
    }

    static func customerInput(_ contact: ADFLead.Contact) -> CustomerInput {
        var fields: [String: FieldValue] = [
            "status": .text("Prospect"), "sourceType": .text("WebLead"),
            "contactType": .text(contact.businessName != nil ? "Business" : "Individual"),
        ]
        fields["firstName"] = contact.firstName.map(FieldValue.text)
        fields["lastName"] = contact.lastName.map(FieldValue.text)
        fields["businessName"] = contact.businessName.map(FieldValue.text)
        fields["email"] = contact.email.map(FieldValue.text)
        fields["preferredMethod"] = contact.preferredMethod.map(FieldValue.text)
        let phones = contact.phones.map { ChildInput(fields: ["type": .text($0.type), "number": .text($0.number)]) }
        var addresses: [ChildInput] = []
        if let a = contact.address {
            var f: [String: FieldValue] = [:]
            f["type"] = a.type.map(FieldValue.text)
            f["street"] = a.street.map(FieldValue.text)
            f["city"] = a.city.map(FieldValue.text)
            f["state"] = a.state.map(FieldValue.text)
            f["postalCode"] = a.postalCode.map(FieldValue.text)
            f["country"] = a.country.map(FieldValue.text)
            addresses.append(ChildInput(fields: f))
        }
        return CustomerInput(fields: fields, phones: phones, addresses: addresses)
    }

    /// For a matched customer: set only fields that are empty there, add phones it lacks.
    /// The customer may be stored already or created earlier in this document (its writes pending).
    static func fillWrites(for contact: ADFLead.Contact, customer: RowID, _ tx: StoreTransaction, pendingWrites: [LocalWrite]) throws -> [LocalWrite] {
        let pending = pendingWrites.filter { $0.values["customerId"] == .text(customer.string) || $0.rowID == customer }
        let pendingCustomer = pending.filter { $0.entity.table == CRMSchema.customer.table }
        let record = try tx.customers(ids: [customer]).first
        var known = Set(pending.filter { $0.entity.table == CRMSchema.customerPhone.table }.compactMap { $0.values["number"] })
        known.formUnion(record?.phones.map { $0["number"] } ?? [])

        var fill: [String: FieldValue] = [:]
        for (name, value) in customerInput(contact).fields where name != "status" && name != "sourceType" {
            let stored = record?.customer[name] ?? .null
            let written = pendingCustomer.contains { ($0.values[name] ?? .null) != .null }
            if stored.isNull && !written { fill[name] = value }
        }
        var writes: [LocalWrite] = fill.isEmpty ? [] : [LocalWrite(.update, CRMSchema.customer, id: customer, values: fill)]
        for phone in contact.phones where !known.contains(.text(phone.number)) {
            writes.append(LocalWrite(.insert, CRMSchema.customerPhone, id: StableID.make("phone:\(customer):\(phone.number)"),
                                     values: ["customerId": .text(customer.string), "type": .text(phone.type), "number": .text(phone.number)]))
        }
        return writes
    }

    static func vehicleFields(_ v: ADFLead.Vehicle) -> [String: FieldValue] {
        var f: [String: FieldValue] = [:]
        f["vin"] = v.vin.map(FieldValue.text)
        f["year"] = v.year.map(FieldValue.integer)
        f["make"] = v.make.map(FieldValue.text)
        f["model"] = v.model.map(FieldValue.text)
        f["trim"] = v.trim.map(FieldValue.text)
        f["condition"] = v.condition.map(FieldValue.text)
        f["exteriorColor"] = v.exteriorColor.map(FieldValue.text)
        f["interiorColor"] = v.interiorColor.map(FieldValue.text)
        f["odometer"] = v.odometer.map(FieldValue.integer)
        f["odometerUnits"] = v.odometerUnits.map(FieldValue.text)
        return f
    }

    static func interactionFields(_ lead: ADFLead, customer: RowID, relatedVehicle: RowID?) -> [String: FieldValue] {
        let wanted = lead.vehiclesOfInterest.map { "\($0.interest) \($0.title)" }
        let offered = lead.ownedVehicles.map { "\($0.interest) \($0.title)" }
        var subject = "ADF lead"
        if let first = wanted.first ?? offered.first { subject += ": \(first)" }
        if lead.status == "resend" { subject += " (resend)" }
        var content = lead.comments
        if wanted.count + offered.count > 1 { content.append("Vehicles: " + (wanted + offered).joined(separator: "; ")) }
        content += (lead.vehiclesOfInterest + lead.ownedVehicles).compactMap(\.comments)
        if let vendor = lead.vendorName { content.append("For: \(vendor)") }
        var f: [String: FieldValue] = [
            "customerId": .text(customer.string), "type": .text("Web"), "direction": .text("Inbound"),
            "interactionDate": .text(lead.requestDate), "subject": .text(String(subject.prefix(256))),
        ]
        f["channelId"] = (lead.providerName ?? lead.leadID?.split(separator: ":").first.map(String.init)).map { FieldValue.text(String($0.prefix(256))) }
        if !content.isEmpty { f["content"] = .text(content.joined(separator: "\n")) }
        if let relatedVehicle {
            f["relatedToType"] = .text("Vehicle")
            f["relatedToId"] = .text(relatedVehicle.string)
        }
        return f
    }
}
