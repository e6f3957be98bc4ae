import Crypto
import RooftopModel
import RooftopReplication
import RooftopStore

/// Customers: creation with phones, addresses and tags; updates of fields and children; the tag
/// add-wins set. Each read-check-write runs in one replica transaction.
extension CRMService {
    /// Creates a customer with its phones and addresses in one transaction.
    ///
    /// Defaults: `contactType` Business when only `businessName` is given, else Individual;
    /// `status` Prospect; the first phone and address are primary when none is marked.
    /// - Parameter id: the new id (a UUIDv7 by default).
    /// - Returns: the new customer's id.
    /// - Throws: ``FieldInputError`` when the customer has no name or a phone has no number;
    ///   ``ReplicaError`` `ALREADY_EXISTS` when `id` is taken.
    @discardableResult
    public func createCustomer(_ input: CustomerInput, id: RowID? = nil) throws -> RowID {
        let newID = id ?? replica.newRowID()
        _ = try replica.transaction { tx in try tx.write(customerCreationWrites(input, id: newID)) }
        return newID
    }

    /// The writes that create a customer (for batching many customers into one transaction).
    /// - Parameter derivedTagIDs: give each tag's element row an id derived from the customer and the
    ///   tag (``derivedTagElementID(customer:tag:)``) instead of a new one: an import restoring one
    ///   customer at several rooftops then writes one element row per tag, not one per rooftop.
    /// - Throws: ``FieldInputError`` as ``createCustomer(_:id:)``.
    public func customerCreationWrites(_ input: CustomerInput, id: RowID, derivedTagIDs: Bool = false) throws -> [LocalWrite] {
        var fields = input.fields
        let hasPersonName = !(fields["firstName"] ?? .null).isNull || !(fields["lastName"] ?? .null).isNull
        let hasBusinessName = !(fields["businessName"] ?? .null).isNull
        guard hasPersonName || hasBusinessName else {
            throw FieldInputError(pointer: "/lastName", reason: "a customer needs a firstName, lastName or businessName")
        }
        if (fields["contactType"] ?? .null).isNull { fields["contactType"] = .text(hasPersonName ? "Individual" : "Business") }
        if (fields["status"] ?? .null).isNull { fields["status"] = .text("Prospect") }
        var writes = [LocalWrite(.insert, CRMSchema.customer, id: id, values: fields)]
        writes += try childCreationWrites(input.phones ?? [], entity: CRMSchema.customerPhone, customer: id, pointer: "/phoneNumbers")
        writes += try childCreationWrites(input.addresses ?? [], entity: CRMSchema.customerAddress, customer: id, pointer: "/addresses")
        writes += tagWrites(setting: input.tags ?? [], current: [], customer: id, derivedIDs: derivedTagIDs)
        return writes
    }

    private func childCreationWrites(_ children: [ChildInput], entity: EntitySchema, customer: RowID, pointer: String) throws -> [LocalWrite] {
        let anyPrimary = children.contains { $0.fields["primary"] == .integer(1) }
        return try children.enumerated().map { i, child in
            var fields = child.fields
            if entity.table == CRMSchema.customerPhone.table, (fields["number"] ?? .null).isNull {
                throw FieldInputError(pointer: "\(pointer)/\(i)/number", reason: "a phone needs a number")
            }
            fields["customerId"] = .text(customer.string)
            if !anyPrimary && i == 0 { fields["primary"] = .integer(1) }
            return LocalWrite(.insert, entity, id: child.id ?? replica.newRowID(), values: fields)
        }
    }

    /// Updates a customer: only the fields given, and only those whose value changes, are
    /// stamped. Phones and addresses with an `id` are changed; without one they are matched by
    /// number (phones) or street and postal code (addresses), else added. Marking one primary
    /// clears the flag on the others. Phones and addresses not mentioned are kept.
    /// - Returns: the number of row changes written (0 when nothing changed).
    /// - Parameter entityTags: when given, write only if the customer's current
    ///   ``CustomerRecord/entityTag`` is one of them (`If-Match`, RFC 9110 §13.1.1), checked in the
    ///   same transaction as the write.
    /// - Throws: ``ReplicaError`` `NOT_FOUND` when there is no such customer, `PRECONDITION_FAILED`
    ///   when `entityTags` does not hold its current tag, `INVALID` when a child id belongs to another
    ///   customer; ``FieldInputError`` for a phone without a number.
    /// - Parameter replacingChildren: phones and addresses listed in the input are the whole list:
    ///   the others are removed (tombstones), as a JSON Merge Patch (RFC 7396) replaces an array.
    @discardableResult
    public func updateCustomer(id: RowID, _ input: CustomerInput, ifMatch entityTags: [String]? = nil, replacingChildren: Bool = false) throws -> Int {
        try replica.transaction { tx in
            // Read, check and write in one transaction: no other write can slip in between.
            guard let current = try tx.customers(ids: [id]).first else {
                throw try tx.absence(CRMSchema.customer, id: id)
            }
            // An id a merge absorbed stands for its survivor (`sync-protocol/customer-merge.md`).
            let id = current.customer.id
            if let entityTags, !entityTags.contains(current.entityTag) {
                throw ReplicaError(.preconditionFailed, "customer \(id) changed since it was read (its entity tag is \(current.entityTag))")
            }
            var writes: [LocalWrite] = []
            var listed = Set<RowID>()
            if !input.fields.isEmpty { writes.append(LocalWrite(.update, CRMSchema.customer, id: id, values: input.fields)) }
            if let phones = input.phones {
                writes += try childUpdateWrites(phones, existing: current.phones, entity: CRMSchema.customerPhone, customer: id,
                                                pointer: "/phoneNumbers", listed: &listed) { $0["number"] ?? .null }
            }
            if let addresses = input.addresses {
                writes += try childUpdateWrites(addresses, existing: current.addresses, entity: CRMSchema.customerAddress, customer: id,
                                                pointer: "/addresses", listed: &listed) { .text("\($0["street"] ?? .null)|\($0["postalCode"] ?? .null)") }
            }
            if let tags = input.tags { writes += tagWrites(setting: tags, current: current.tagElements, customer: id) }
            var removed: [(EntitySchema, RowID)] = []
            if replacingChildren {
                // The listed children are the whole list: the others are removed (and not updated first).
                for (list, existing, entity) in [(input.phones, current.phones, CRMSchema.customerPhone),
                                                 (input.addresses, current.addresses, CRMSchema.customerAddress)] where list != nil {
                    for row in existing where !listed.contains(row.id) { removed.append((entity, row.id)) }
                }
                writes.removeAll { write in removed.contains { $0.1 == write.rowID } }
            }
            var count = try tx.write(writes).count
            for (entity, row) in removed {
                _ = try tx.delete(entity, id: row)
                count += 1
            }
            return count
        }
    }

    /// The writes that make the customer's tag set equal `tags` (add-wins set,
    /// `sync-protocol/merge-rules.md#add-wins-set`): a new element row for each tag not present;
    /// `removed` on every present element row of each tag not wanted.
    public func tagWrites(setting tags: [String], current: [StoredRow], customer: RowID, derivedIDs: Bool = false) -> [LocalWrite] {
        let present = current.filter { $0["removed"] != .integer(1) }
        let wanted = Set(tags.map { $0.lowercased() })
        let presentKeys = Set(present.compactMap { $0["tag"].textValue?.lowercased() })
        var writes: [LocalWrite] = []
        for tag in tags where !presentKeys.contains(tag.lowercased()) {
            writes.append(LocalWrite(.insert, CRMSchema.customerTag, id: derivedIDs ? Self.derivedTagElementID(customer: customer, tag: tag) : replica.newRowID(),
                                     values: ["customerId": .text(customer.string), "tag": .text(tag), "removed": .integer(0)]))
        }
        for element in present where !wanted.contains(element["tag"].textValue?.lowercased() ?? "") {
            writes.append(LocalWrite(.update, CRMSchema.customerTag, id: element.id, values: ["removed": .integer(1)]))
        }
        return writes
    }

    /// A tag element's id derived from its customer and the tag, letter case aside (the add-wins
    /// set's key): a UUIDv8 from SHA-256 (RFC 9562 §5.8).
    public static func derivedTagElementID(customer: RowID, tag: String) -> RowID {
        RowID.v8(digest: Array(SHA256.hash(data: Array("customerTag:\(customer.string):\(tag.lowercased())".utf8))))
    }

    /// - Parameter listed: receives the ids of the children the input names (changed or added).
    private func childUpdateWrites(_ children: [ChildInput], existing: [StoredRow], entity: EntitySchema, customer: RowID,
                                   pointer: String, listed: inout Set<RowID>, matchKey: ([String: FieldValue]) -> FieldValue) throws -> [LocalWrite] {
        var writes: [LocalWrite] = []
        var primaryID: RowID?
        for (i, child) in children.enumerated() {
            let target: RowID?
            if let id = child.id {
                guard existing.contains(where: { $0.id == id }) else {
                    throw ReplicaError(.invalid, "\(pointer.dropFirst())[\(i)] id \(id) does not belong to customer \(customer)")
                }
                target = id
            } else {
                let key = matchKey(child.fields)
                target = existing.first { matchKey($0.values) == key }?.id
            }
            if child.fields["primary"] == .integer(1) { primaryID = target }
            if let target {
                listed.insert(target)
                writes.append(LocalWrite(.update, entity, id: target, values: child.fields))
            } else {
                if entity.table == CRMSchema.customerPhone.table, (child.fields["number"] ?? .null).isNull {
                    throw FieldInputError(pointer: "\(pointer)/\(i)/number", reason: "a phone needs a number")
                }
                var fields = child.fields
                fields["customerId"] = .text(customer.string)
                let newID = replica.newRowID()
                listed.insert(newID)
                if fields["primary"] == .integer(1) { primaryID = newID }
                writes.append(LocalWrite(.insert, entity, id: newID, values: fields))
            }
        }
        if let primaryID {
            for row in existing where row.id != primaryID && row["primary"] == .integer(1) {
                writes.append(LocalWrite(.update, entity, id: row.id, values: ["primary": .integer(0)]))
            }
        }
        return writes
    }

}
