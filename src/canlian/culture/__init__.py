"""Culture and sports (文化体育): events with their accessibility and group attendance
(tick a list, import a sheet, scan each e-certificate's QR code at the door), which feeds
the culture-and-sports coverage indicator through the service records; teams, the art
troupe and athletes with their training and competitions; and household deliveries of the
"五个一" culture package and of digital TV / radio devices for blind persons.
"""
