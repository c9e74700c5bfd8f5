package com.example.shop;

public record Order(String item, int quantity, int cents) {}
