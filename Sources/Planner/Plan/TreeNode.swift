// TreeNode: the one protocol every plan tree speaks (logical, resolved and physical plans). A node
// has any number of children; rules are rewrites applied bottom-up or top-down over the tree
// (Catalyst's TreeNode.transformUp / transformDown).

@_spi(EmberInternal) public protocol TreeNode {
    /// The node's inputs, left to right (leaves have none).
    var children: [Self] { get }
    /// The same node over new inputs (as many as `children`, in the same order).
    func withNewChildren(_ children: [Self]) -> Self
}

extension TreeNode {
    /// Rewrites the children first, then offers the rebuilt node to `rule`.
    @_spi(EmberInternal) public func transformUp(_ rule: (Self) throws -> Self) rethrows -> Self {
        let kids = children
        let node = kids.isEmpty ? self : withNewChildren(try kids.map { try $0.transformUp(rule) })
        return try rule(node)
    }

    /// Offers the node to `rule` first, then rewrites the children of what it returned.
    @_spi(EmberInternal) public func transformDown(_ rule: (Self) throws -> Self) rethrows -> Self {
        let node = try rule(self)
        let kids = node.children
        return kids.isEmpty ? node : node.withNewChildren(try kids.map { try $0.transformDown(rule) })
    }

    /// The leaves under this node, left to right (the node itself if it is one).
    @_spi(EmberInternal) public var leaves: [Self] {
        let kids = children
        return kids.isEmpty ? [self] : kids.flatMap(\.leaves)
    }

    /// Whether any node of the tree satisfies `predicate`.
    @_spi(EmberInternal) public func contains(where predicate: (Self) -> Bool) -> Bool {
        predicate(self) || children.contains { $0.contains(where: predicate) }
    }
}
