package dev.shardline.format;

import java.util.List;
import java.util.Objects;

/** A user's POJO, as a test fixture; fields match order.avsc. */
public class Order {
  public String id;
  public int quantity;
  public double price;
  public boolean express;
  public String note;
  public List<String> tags;

  public Order() {}

  public Order(
      String id, int quantity, double price, boolean express, String note, List<String> tags) {
    this.id = id;
    this.quantity = quantity;
    this.price = price;
    this.express = express;
    this.note = note;
    this.tags = tags;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Order other
        && Objects.equals(id, other.id)
        && quantity == other.quantity
        && price == other.price
        && express == other.express
        && Objects.equals(note, other.note)
        && Objects.equals(tags, other.tags);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, quantity, price, express, note, tags);
  }

  @Override
  public String toString() {
    return "Order{" + id + ", " + quantity + ", " + price + ", " + express + ", " + note + ", "
        + tags + "}";
  }
}
