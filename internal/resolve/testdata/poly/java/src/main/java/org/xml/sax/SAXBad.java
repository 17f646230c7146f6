package org.xml.sax;

public class SAXBad {
    public static void fail() {}
}
