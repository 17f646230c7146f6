describe("cart", () => {
  it("adds", () => {
    expect(1).toBe(1);
  });
});
